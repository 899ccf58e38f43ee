import "server-only";
// The resource ledger: every external resource a step creates or adopts is written here before
// anything relies on it, keyed by (session, provider, type, name) so a retried step updates its
// row instead of adding one. Deprovision deletes from this list and nothing else.
import { Prisma, type Resource } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { newId } from "@/lib/db/ids";
import { sqlRead, sqlWrite, utcTimestamp } from "@/lib/db/sql";
import type { CreatedResource, LedgerEntry, RecordResource } from "@/lib/providers/types";

export interface LedgerScope {
  workspaceId: string;
  sessionId: string;
  runId?: string | null;
  stepKey?: string | null;
}

export type LedgerProvider = LedgerEntry["provider"];

/**
 * Upserts one ledger row, in one statement (a step records its resources on every attempt).
 * `preExisted` is decided once, when the row is first written: a resource the provider found
 * already there with no row of ours is counted as pre-existing and is never deleted by
 * deprovision. (A crash between a create and its record therefore leaves the resource kept
 * rather than deleted — the safe side.) A later record updates the external id, merges `data`
 * into what is there and undeletes the row; two writers racing on the first record end as one
 * row (the unique key).
 */
const RESOURCE_COLUMNS = columnList(Prisma.ResourceScalarFieldEnum);

export async function recordResource(
  scope: LedgerScope,
  provider: LedgerProvider,
  r: CreatedResource,
): Promise<Resource> {
  const [row] = await sqlWrite<Resource>(
    `INSERT INTO "Resource" ("id", "workspaceId", "sessionId", "runId", "stepKey", "provider", "type", "externalId",
       "name", "preExisted", "data", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6::"ProviderKind", $7, $8, $9, $10, $11::jsonb, $12::timestamp)
     ON CONFLICT ("sessionId", "provider", "type", "name") DO UPDATE SET
       "externalId" = EXCLUDED."externalId",
       "data" = COALESCE("Resource"."data", '{}'::jsonb) || EXCLUDED."data",
       "deletedAt" = NULL
     RETURNING ${RESOURCE_COLUMNS}`,
    [
      newId(),
      scope.workspaceId,
      scope.sessionId,
      scope.runId ?? null,
      scope.stepKey ?? null,
      provider,
      r.type,
      r.externalId,
      r.name,
      r.alreadyExisted,
      JSON.stringify(r.data ?? {}),
      utcTimestamp(new Date()),
    ],
  );
  return row;
}

export function recorderFor(scope: LedgerScope, provider: LedgerProvider): RecordResource {
  return async (r) => {
    await recordResource(scope, provider, r);
  };
}

/**
 * The session's ledger in creation order (oldest first), deleted rows included. Through the pg
 * pool (a bootstrap reads it twice): the rows as Prisma's findMany gives them.
 */
export async function ledgerRows(sessionId: string): Promise<Resource[]> {
  return sqlRead<Resource>(
    `SELECT ${RESOURCE_COLUMNS} FROM "Resource" WHERE "sessionId" = $1 ORDER BY "createdAt" ASC, "id" ASC`,
    [sessionId],
  );
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
