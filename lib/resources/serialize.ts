import "server-only";
// A ledger row as the API shows it: never its secret material (a worker_secret row holds the
// value's ciphertext), with a link to the provider's console where one exists.
import type { Resource } from "@/lib/generated/prisma/client";

const CF_DASH = "https://dash.cloudflare.com";

/** Only these data keys are shown; anything else a provider stored stays internal. */
const PUBLIC_DATA_KEYS = ["accountId", "url", "source", "project", "worker", "databaseId"] as const;

export function consoleUrl(row: Pick<Resource, "provider" | "type" | "name" | "externalId" | "data">): string | null {
  const data = (row.data as Record<string, unknown> | null) ?? {};
  const str = (k: string) => (typeof data[k] === "string" ? (data[k] as string) : undefined);
  if (row.provider === "cloudflare") {
    const account = str("accountId");
    if (!account) return null;
    const base = `${CF_DASH}/${encodeURIComponent(account)}`;
    switch (row.type) {
      case "d1_database":
        return `${base}/workers/d1/databases/${encodeURIComponent(row.externalId)}`;
      case "worker_script":
        return `${base}/workers/services/view/${encodeURIComponent(row.externalId)}/production`;
      case "worker_secret":
        return `${base}/workers/services/view/${encodeURIComponent(str("worker") ?? row.externalId.split("/")[0])}/production/settings`;
      case "pages_project":
        return `${base}/pages/view/${encodeURIComponent(row.externalId)}`;
      case "pages_deployment":
        return `${base}/pages/view/${encodeURIComponent(str("project") ?? row.name)}/${encodeURIComponent(row.externalId)}`;
      default:
        return null;
    }
  }
  if (row.provider === "github" && row.type === "repository") {
    const url = str("url");
    return url && /^https?:\/\//.test(url) ? url : null;
  }
  return null;
}

export function serializeResource(row: Resource) {
  const data = (row.data as Record<string, unknown> | null) ?? {};
  const details: Record<string, string> = Object.fromEntries(
    PUBLIC_DATA_KEYS.flatMap((k) => (typeof data[k] === "string" ? [[k, data[k]]] : [])),
  );
  return {
    id: row.id,
    provider: row.provider,
    type: row.type,
    name: row.name,
    externalId: row.externalId,
    preExisted: row.preExisted,
    runId: row.runId,
    stepKey: row.stepKey,
    consoleUrl: consoleUrl(row),
    details,
    createdAt: row.createdAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
