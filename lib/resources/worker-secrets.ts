import "server-only";
// The auth Worker's secrets: generated once per onboarding, kept encrypted in the ledger row
// that records them (type worker_secret), and read back on every retry so a resumed step puts
// the same value. The plaintext never reaches the database, a log or an API response.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { isUniqueViolation } from "@/lib/db/errors";
import type { LedgerScope } from "./record-resource";

export const WORKER_SECRET_TYPE = "worker_secret";

/** The ciphertext is bound to its session and name: a row copied elsewhere does not decrypt. */
const aadFor = (sessionId: string, name: string) => `worker_secret:${sessionId}:${name}`;

export async function workerSecretsFor(
  scope: LedgerScope,
  names: readonly string[],
  worker: string,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const key = { sessionId: scope.sessionId, provider: "cloudflare" as const, type: WORKER_SECRET_TYPE, name };
    let row = await db().resource.findUnique({ where: { sessionId_provider_type_name: key } });
    const sealed = (row?.data as { ciphertext?: unknown } | null)?.ciphertext;
    if (typeof sealed === "string") {
      values[name] = decryptSecret(sealed, aadFor(scope.sessionId, name));
      continue;
    }
    const ciphertext = encryptSecret(randomBytes(32).toString("base64url"), aadFor(scope.sessionId, name));
    try {
      row = row
        ? await db().resource.update({
            where: { id: row.id },
            data: { data: { ...((row.data as object) ?? {}), ciphertext } as Prisma.InputJsonValue },
          })
        : await db().resource.create({
            data: {
              ...key,
              workspaceId: scope.workspaceId,
              runId: scope.runId ?? null,
              stepKey: scope.stepKey ?? null,
              externalId: `${worker}/${name}`,
              data: { ciphertext, worker },
            },
          });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Generated concurrently: the stored value wins.
      row = await db().resource.findUniqueOrThrow({ where: { sessionId_provider_type_name: key } });
    }
    values[name] = decryptSecret(
      String((row.data as { ciphertext: string }).ciphertext),
      aadFor(scope.sessionId, name),
    );
  }
  return values;
}
