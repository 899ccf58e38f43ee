import "server-only";
// Deprovision from the ledger: the dry-run plan (POST …/deprovision {"dryRun": true}) and the
// delete_resources step of a deprovision run. Only rows this onboarding created are deleted,
// newest first; each is marked deleted as soon as its provider confirms, so a retried or
// resumed step carries on where it stopped. "Already gone" counts as deleted.
import { db } from "@/lib/db/client";
import type { OnboardingSession, Resource } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { loadSessionFor } from "@/lib/onboarding/load-session-for";
import type { SessionProviders } from "@/lib/providers/resolve-providers";
import {
  ProviderError,
  type InfraProvider,
  type ProviderContext,
  type RepositoryProvider,
} from "@/lib/providers/types";
import { ledgerRows, toLedgerEntry } from "./record-resource";
import { planDeprovision } from "./plan-deprovision";
import { consoleUrl } from "./serialize";

/** Ledger types the repository provider owns; everything else belongs to the infrastructure provider. */
const REPOSITORY_TYPES = new Set(["repository", "deployment"]);

function ownerOf(providers: SessionProviders, row: Resource): InfraProvider | RepositoryProvider {
  if (row.provider === providers.repo.kind && REPOSITORY_TYPES.has(row.type)) return providers.repo;
  if (row.provider === providers.infra.kind && !REPOSITORY_TYPES.has(row.type)) return providers.infra;
  throw new ProviderError(
    "resource_provider_unavailable",
    `${row.type} ${row.name} was created through a ${row.provider} connection this onboarding no longer uses.`,
    {
      remediation: `Point the onboarding back at the ${row.provider} connection it was created with (or delete ${row.name} in the provider's console), then retry.`,
    },
  );
}

export async function deleteFromLedger(session: OnboardingSession, providers: SessionProviders, ctx: ProviderContext) {
  const rows = await ledgerRows(session.id);
  if (rows.length === 0) return deleteByName(providers, ctx);
  const plan = planDeprovision(rows);
  const results: { type: string; name: string; deleted: boolean }[] = [];
  for (const item of plan.delete) {
    const row = rows.find((r) => r.id === item.resourceId)!;
    const { deleted } = await ownerOf(providers, row).deleteResource(ctx, toLedgerEntry(row));
    await db().resource.update({ where: { id: row.id }, data: { deletedAt: new Date() } });
    results.push({ type: row.type, name: row.name, deleted });
  }
  for (const kept of plan.keep) ctx.log(`Kept ${kept.type} ${kept.name}: it was there before this onboarding`);
  return {
    deleted: results,
    kept: plan.keep.map((k) => ({ type: k.type, name: k.name })),
    alreadyDeleted: plan.alreadyDeleted.length,
  };
}

/**
 * An onboarding bootstrapped before the ledger existed has no rows: its resources are removed
 * by name as they were then (repository by slug, simulated infrastructure by slug). Cloudflare
 * infrastructure always has a ledger, so it is never deleted this way.
 */
async function deleteByName(providers: SessionProviders, ctx: ProviderContext) {
  ctx.log(
    "No resource ledger for this onboarding (bootstrapped before it existed): removing the repository and simulated infrastructure by name",
  );
  await providers.repo.deleteRepository(ctx);
  if (providers.infra.kind === "simulated") {
    await providers.infra.deleteResource(ctx, {
      provider: "simulated",
      type: "infra",
      externalId: "",
      name: `sim-infra-${ctx.platformSlug}`,
      preExisted: false,
      data: {},
    });
  }
  return { deleted: [], kept: [], alreadyDeleted: 0, byName: true };
}

/** The plan a deprovision run would follow now; changes nothing. */
export async function deprovisionPlanFor(actor: Actor, sessionId: string) {
  const session = await loadSessionFor(actor, sessionId, "cancel");
  const rows = await ledgerRows(session.id);
  const plan = planDeprovision(rows);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const link = <T extends { resourceId: string }>(i: T) => ({ ...i, consoleUrl: consoleUrl(byId.get(i.resourceId)!) });
  return {
    dryRun: true as const,
    sessionId: session.id,
    delete: plan.delete.map(link),
    keep: plan.keep.map(link),
    alreadyDeleted: plan.alreadyDeleted.map(link),
    /** The platform record is marked deprovisioned after the deletions. */
    retirePlatform: !!session.platformId,
    /** No ledger (bootstrapped before it existed): the run removes the repository and simulated infrastructure by name. */
    byName: rows.length === 0 && !!session.platformId,
  };
}
