import "server-only";
// The resource ledger: every external resource a step creates or adopts is written here before
// anything relies on it, keyed by (session, provider, type, name) so a retried step updates its
// row instead of adding one. Deprovision deletes from this list and nothing else.
import { db } from "@/lib/db/client";
import type { Prisma, Resource } from "@/lib/generated/prisma/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { CreatedResource, LedgerEntry, RecordResource } from "@/lib/providers/types";

export interface LedgerScope {
  workspaceId: string;
  sessionId: string;
  runId?: string | null;
  stepKey?: string | null;
}

export type LedgerProvider = LedgerEntry["provider"];

/**
 * Upserts one ledger row. `preExisted` is decided once, when the row is first written: a
 * resource the provider found already there with no row of ours is counted as pre-existing and
 * is never deleted by deprovision. (A crash between a create and its record therefore leaves the
 * resource kept rather than deleted — the safe side.)
 */
export async function recordResource(
  scope: LedgerScope,
  provider: LedgerProvider,
  r: CreatedResource,
): Promise<Resource> {
  const key = { sessionId: scope.sessionId, provider, type: r.type, name: r.name };
  for (let attempt = 0; ; attempt++) {
    const existing = await db().resource.findUnique({ where: { sessionId_provider_type_name: key } });
    try {
      if (existing) {
        const data = {
          ...((existing.data as Record<string, unknown>) ?? {}),
          ...(r.data ?? {}),
        } as Prisma.InputJsonValue;
        return await db().resource.update({
          where: { id: existing.id },
          data: { externalId: r.externalId, data, deletedAt: null },
        });
      }
      return await db().resource.create({
        data: {
          ...key,
          workspaceId: scope.workspaceId,
          runId: scope.runId ?? null,
          stepKey: scope.stepKey ?? null,
          externalId: r.externalId,
          preExisted: r.alreadyExisted,
          data: (r.data ?? {}) as Prisma.InputJsonValue,
        },
      });
    } catch (err) {
      // Two writers raced on the first record: the second becomes an update.
      if (attempt === 0 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

export function recorderFor(scope: LedgerScope, provider: LedgerProvider): RecordResource {
  return async (r) => {
    await recordResource(scope, provider, r);
  };
}

/** The session's ledger in creation order (oldest first), deleted rows included. */
export async function ledgerRows(sessionId: string): Promise<Resource[]> {
  return db().resource.findMany({ where: { sessionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

export function toLedgerEntry(row: Resource): LedgerEntry {
  return {
    provider: row.provider,
    type: row.type,
    externalId: row.externalId,
    name: row.name,
    preExisted: row.preExisted,
    data: (row.data as Record<string, unknown>) ?? {},
    deletedAt: row.deletedAt,
  };
}

/** What providers get as `recorded`: the rows not deleted. */
export async function liveLedger(sessionId: string): Promise<LedgerEntry[]> {
  return (await ledgerRows(sessionId)).filter((r) => !r.deletedAt).map(toLedgerEntry);
}
