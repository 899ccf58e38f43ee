import "server-only";
// The lease on a run and its fencing token. A worker claims a run (leaseGeneration + 1) and
// renews the claim every HEARTBEAT_MS; every write a step makes goes through `fenced`, which
// holds the run row (FOR SHARE) and checks the generation, so once another worker has claimed
// the run — or the sweep has taken it from a worker that stopped heartbeating — the old
// worker's writes are refused (LeaseLost), however long it was paused.
import { db, type Tx } from "@/lib/db/client";
import { sqlWrite, utcTimestamp } from "@/lib/db/sql";
import { columnList } from "@/lib/db/statements";
import { Prisma, type OnboardingSession } from "@/lib/generated/prisma/client";
import { stepsJson, withStepDates, type RunWithSteps } from "./run-rows";
import { LEASE_STALE_MS } from "./definitions";

export class LeaseLost extends Error {}

export interface Lease {
  runId: string;
  workerId: string;
  generation: number;
}

const RUN_COLUMNS = columnList(Prisma.OperationRunScalarFieldEnum);
const CLAIMED_COLUMNS = columnList(Prisma.OperationRunScalarFieldEnum, "c");

const CLAIMED_SESSION_COLUMNS = Object.values(Prisma.OnboardingSessionScalarFieldEnum)
  .map((f) => `s."${f}" AS "session.${f}"`)
  .join(", ");

/**
 * Claims a run that is queued, unleased or whose lease went stale, and returns it as claimed with
 * its steps and its onboarding (one statement: every job reads the session it works for). Null
 * when someone else holds it.
 */
export async function claim(
  runId: string,
  workerId: string,
): Promise<{ lease: Lease; run: RunWithSteps; session: OnboardingSession | null } | null> {
  const now = new Date();
  const staleBefore = new Date(now.getTime() - LEASE_STALE_MS);
  const rows = await sqlWrite<Record<string, unknown>>(
    `WITH claimed AS (
       UPDATE "OperationRun" SET "status" = 'running', "leaseOwner" = $2, "heartbeatAt" = $3::timestamp,
         "leaseGeneration" = "leaseGeneration" + 1, "health" = 'healthy', "healthReason" = NULL,
         "nextAttemptAt" = NULL, "stalledNotifiedAt" = NULL, "startedAt" = COALESCE("startedAt", $3::timestamp),
         "updatedAt" = $3::timestamp
       WHERE "id" = $1 AND "status" IN ('queued', 'running')
         AND ("leaseOwner" IS NULL OR "heartbeatAt" IS NULL OR "heartbeatAt" < $4::timestamp)
       RETURNING ${RUN_COLUMNS}
     )
     SELECT ${CLAIMED_COLUMNS}, ${stepsJson("c")}, ${CLAIMED_SESSION_COLUMNS}
     FROM claimed c LEFT JOIN "OnboardingSession" s ON s."id" = c."sessionId"`,
    [runId, workerId, utcTimestamp(now), utcTimestamp(staleBefore)],
  );
  if (rows.length !== 1) return null;
  const runRow: Record<string, unknown> = {};
  const sessionRow: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rows[0])) {
    if (key.startsWith("session.")) sessionRow[key.slice("session.".length)] = value;
    else runRow[key] = value;
  }
  const run = withStepDates(runRow as unknown as RunWithSteps);
  const session = sessionRow.id == null ? null : (sessionRow as unknown as OnboardingSession);
  return { lease: { runId, workerId, generation: run.leaseGeneration }, run, session };
}

export async function release(lease: Lease): Promise<void> {
  await db().operationRun.updateMany({
    where: { id: lease.runId, leaseOwner: lease.workerId, leaseGeneration: lease.generation },
    data: { leaseOwner: null },
  });
}

/** Renews the lease. Returns null when it was lost, else whether cancellation was requested. */
export async function renew(lease: Lease): Promise<{ cancelRequested: boolean } | null> {
  const rows = await db().operationRun.updateManyAndReturn({
    where: { id: lease.runId, leaseOwner: lease.workerId, leaseGeneration: lease.generation },
    data: { heartbeatAt: new Date() },
    select: { cancelRequestedAt: true },
  });
  return rows.length === 0 ? null : { cancelRequested: !!rows[0].cancelRequestedAt };
}

/**
 * Runs `write` in a transaction that first checks, holding the run row, that the lease is still
 * ours: a claim by another worker (an UPDATE of that row) waits for this transaction, and any
 * write after it is refused. Throws LeaseLost when the lease is gone.
 */
export async function fenced<T>(lease: Lease, write: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await assertLeaseInTx(tx, lease);
    return write(tx);
  });
}

/** What every fenced write throws once the lease is gone. */
export const leaseLost = (lease: Lease) =>
  new LeaseLost(`lease on run ${lease.runId} (generation ${lease.generation}) was taken over`);

/**
 * The fence inside one raw statement: selects the run row, held FOR SHARE, while the lease is
 * current. The arguments name the statement's parameters for run id, generation and owner.
 */
export const heldRunSql = (runId: string, generation: string, owner: string) =>
  `SELECT "id" FROM "OperationRun" WHERE "id" = ${runId} AND "leaseGeneration" = ${generation} AND "leaseOwner" = ${owner} FOR SHARE`;

export async function assertLeaseInTx(tx: Tx, lease: Lease): Promise<void> {
  const held = await tx.$queryRaw<{ ok: number }[]>`
    SELECT 1 AS ok FROM "OperationRun"
    WHERE "id" = ${lease.runId} AND "leaseGeneration" = ${lease.generation} AND "leaseOwner" = ${lease.workerId}
    FOR SHARE`;
  if (held.length === 0) throw leaseLost(lease);
}
