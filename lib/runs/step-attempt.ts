import "server-only";
// The bookkeeping of one attempt of one step, every write fenced by the lease: the attempt row
// (the timeline), the step row and the run's health. A worker whose lease was taken over gets
// LeaseLost from any of these and writes nothing more. The two writes every step makes (start,
// success) are one statement each, through the plain pg pool (BENCHMARKS.md: step bookkeeping),
// and a job's next step starts inside its predecessor's success (one write per step boundary);
// the rarer outcomes stay on Prisma.
import type { OperationRunStep, Prisma } from "@/lib/generated/prisma/client";
import type { ProviderError } from "@/lib/providers/types";
import { randomUUID } from "node:crypto";
import { sqlWrite, utcTimestamp } from "@/lib/db/sql";
import { fenced, heldRunSql, leaseLost, type Lease } from "./lease";
import { platformSetClause, type StagedPlatformChange } from "./platform-change";

export interface AttemptHandle {
  id: string;
  attempt: number;
  /** The step row's cumulative attempt counter after this attempt started. */
  stepAttempts: number;
}

/**
 * The run row as an attempt starts: health back to healthy and a heartbeat. The UPDATE is also
 * the fence: it matches only while the lease is ours. Placeholders: run id, generation, owner, now.
 */
const leaseBeatSql = (runId: string, generation: string, owner: string, now: string) =>
  `UPDATE "OperationRun" SET "health" = 'healthy', "healthReason" = NULL, "nextAttemptAt" = NULL,
     "stalledNotifiedAt" = NULL, "heartbeatAt" = ${now}::timestamp, "updatedAt" = ${now}::timestamp
   WHERE "id" = ${runId} AND "leaseGeneration" = ${generation} AND "leaseOwner" = ${owner}
   RETURNING "id"`;

/**
 * The CTEs `begin_st` (the step row running, RETURNING its cumulative "attempts") and `begin_att`
 * (the attempt row of the timeline) of an attempt that starts, under a `lease` CTE. Placeholders:
 * step id, attempt id, step key, attempt (1-based), generation, owner, now.
 */
const beginStepCtes = (
  p: Record<"stepId" | "attemptId" | "key" | "attempt" | "generation" | "owner" | "now", string>,
) =>
  `begin_st AS (
     UPDATE "OperationRunStep" SET "status" = 'running', "attempts" = "attempts" + 1,
       "startedAt" = COALESCE("startedAt", ${p.now}::timestamp), "errorCode" = NULL, "errorMessage" = NULL
     WHERE "id" = ${p.stepId} AND "runId" = (SELECT "id" FROM lease)
     RETURNING "attempts"
   ), begin_att AS (
     INSERT INTO "OperationRunAttempt" ("id", "runId", "stepKey", "attempt", "leaseGeneration", "workerId", "startedAt")
     SELECT ${p.attemptId}, "id", ${p.key}, ${p.attempt}, ${p.generation}, ${p.owner}, ${p.now}::timestamp FROM lease
   )`;

/**
 * Starts an attempt in one statement: the run row (health, heartbeat, fence), the step row, the
 * attempt row of the timeline and the "attempt n" log line. LeaseLost when the lease is gone.
 * (The first attempt of a job's next step starts inside its predecessor's success instead.)
 */
export async function beginAttempt(
  lease: Lease,
  step: Pick<OperationRunStep, "id" | "key" | "label">,
  attempt: number,
): Promise<AttemptHandle> {
  const id = randomUUID();
  const rows = await sqlWrite<{ attempts: number }>(
    `WITH lease AS (${leaseBeatSql("$1", "$2", "$3", "$5")}),
     ${beginStepCtes({ stepId: "$4", attemptId: "$6", key: "$7", attempt: "$8", generation: "$2", owner: "$3", now: "$5" })},
     line AS (
       INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
       SELECT "id", $7, 'info', $9 || ': attempt ' || (SELECT "attempts" FROM begin_st) FROM lease
     )
     SELECT "attempts" FROM begin_st`,
    [
      lease.runId,
      lease.generation,
      lease.workerId,
      step.id,
      utcTimestamp(new Date()),
      id,
      step.key,
      attempt,
      step.label,
    ],
  );
  if (rows.length === 0) throw leaseLost(lease);
  return { id, attempt, stepAttempts: rows[0].attempts };
}

/** A transient failure with attempts left: the run is "retrying" until the next attempt starts. */
export async function attemptRetrying(
  lease: Lease,
  step: OperationRunStep,
  handle: AttemptHandle,
  err: ProviderError,
  backoffMs: number,
): Promise<void> {
  const now = new Date();
  await fenced(lease, async (tx) => {
    await tx.operationRunStep.update({
      where: { id: step.id },
      data: { errorCode: err.code, errorMessage: err.message },
    });
    await tx.operationRunAttempt.update({
      where: { id: handle.id },
      data: { finishedAt: now, outcome: "retrying", errorCode: err.code, backoffMs },
    });
    await tx.operationRun.update({
      where: { id: lease.runId },
      data: {
        health: "retrying",
        healthReason: `retrying:${err.code}`,
        nextAttemptAt: new Date(now.getTime() + backoffMs),
      },
    });
  });
}

/**
 * Records a step's success in one statement, fenced by the lease: the step row, the attempt row,
 * a log line, the platform change the step made (a bootstrap's) and, when `sessionSteps` is
 * given (a bootstrap), the session's seed `steps` — as
 * progress (`progress` + 1), not as a new version: nothing an operator edits changed, so a draft
 * save in flight keeps its version (lib/onboarding/mutate-session.ts). LeaseLost when the lease
 * is gone; then nothing is written.
 *
 * With `next`, the same statement starts the first attempt of the job's next step (as
 * `beginAttempt` does) and answers its handle: a step boundary is one write, so a watching tab
 * never sees a step done and the next one not yet running, and the run pays one statement less.
 */
export async function attemptSucceeded(
  lease: Lease,
  step: Pick<OperationRunStep, "id" | "key">,
  handle: AttemptHandle,
  result: unknown,
  progress: {
    sessionId: string;
    sessionSteps: unknown | null;
    logLines: LogLine[];
    /** The platform change the step made (a bootstrap's), written in the same statement. */
    platform?: StagedPlatformChange | null;
  },
  next: Pick<OperationRunStep, "id" | "key" | "label"> | null = null,
): Promise<AttemptHandle | null> {
  const nextAttemptId = next ? randomUUID() : null;
  const values: unknown[] = [
    lease.runId,
    lease.generation,
    lease.workerId,
    step.id,
    utcTimestamp(new Date()),
    JSON.stringify(result ?? {}),
    handle.id,
    progress.sessionId,
    progress.sessionSteps === null ? null : JSON.stringify(progress.sessionSteps),
    step.key,
    JSON.stringify(progress.logLines),
    ...(next ? [next.id, nextAttemptId, next.key, next.label] : []),
  ];
  const param = (v: unknown, cast = "") => `$${values.push(v)}${cast}`;
  const platform = progress.platform
    ? `plat AS (
       UPDATE "Platform" SET ${platformSetClause(progress.platform.change, "$5", param)}
       WHERE "id" = ${param(progress.platform.platformId)} AND EXISTS (SELECT 1 FROM lease)
       RETURNING "id"
     ), `
    : "";
  const rows = await sqlWrite<{ held: number; attempts: number | null; platforms: number }>(
    `WITH lease AS (${next ? leaseBeatSql("$1", "$2", "$3", "$5") : heldRunSql("$1", "$2", "$3")}), st AS (
       UPDATE "OperationRunStep" SET "status" = 'succeeded', "finishedAt" = $5::timestamp, "result" = $6::jsonb
       WHERE "id" = $4 AND "runId" = (SELECT "id" FROM lease)
     ), att AS (
       UPDATE "OperationRunAttempt" SET "finishedAt" = $5::timestamp, "outcome" = 'succeeded'
       WHERE "id" = $7 AND "runId" = (SELECT "id" FROM lease)
     ), progress AS (
       UPDATE "OnboardingSession" SET "steps" = $9::jsonb, "progress" = "progress" + 1, "updatedAt" = $5::timestamp
       WHERE "id" = $8 AND $9::jsonb IS NOT NULL AND EXISTS (SELECT 1 FROM lease)
     ), ${platform}${
       next
         ? `${beginStepCtes({ stepId: "$12", attemptId: "$13", key: "$14", attempt: "1", generation: "$2", owner: "$3", now: "$5" })},
     lines AS (
       SELECT $10 AS "stepKey", e.line->>'level' AS "level", e.line->>'message' AS "message", e.n
       FROM jsonb_array_elements($11::jsonb) WITH ORDINALITY AS e(line, n)
       UNION ALL
       SELECT $14, 'info', $15 || ': attempt ' || (SELECT "attempts" FROM begin_st), jsonb_array_length($11::jsonb) + 1
     ),`
         : `lines AS (
       SELECT $10 AS "stepKey", e.line->>'level' AS "level", e.line->>'message' AS "message", e.n
       FROM jsonb_array_elements($11::jsonb) WITH ORDINALITY AS e(line, n)
     ),`
     } line AS (
       INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
       SELECT lease."id", l."stepKey", l."level", l."message" FROM lease, lines l ORDER BY l.n
     )
     SELECT count(*)::int AS "held", ${next ? `(SELECT "attempts" FROM begin_st)` : "NULL::int"} AS "attempts",
       ${platform ? `(SELECT count(*) FROM plat)::int` : "0"} AS "platforms" FROM lease`,
    values,
  );
  if (rows[0]?.held !== 1) throw leaseLost(lease);
  // Platforms are never deleted, and the step found this one: a miss is a bug, not a race.
  if (progress.platform && rows[0].platforms !== 1)
    throw new Error(`step ${step.key}: platform ${progress.platform.platformId} was not updated`);
  if (!next || !nextAttemptId) return null;
  return { id: nextAttemptId, attempt: 1, stepAttempts: rows[0].attempts! };
}

export async function attemptFailed(
  lease: Lease,
  step: OperationRunStep,
  handle: AttemptHandle | null,
  err: ProviderError,
): Promise<void> {
  await fenced(lease, async (tx) => {
    await tx.operationRunStep.update({
      where: { id: step.id },
      data: {
        status: "failed",
        finishedAt: new Date(),
        errorCode: err.code,
        errorMessage: err.message,
        result: err.remediation ? ({ remediation: err.remediation } as Prisma.InputJsonValue) : undefined,
      },
    });
    if (handle)
      await tx.operationRunAttempt.update({
        where: { id: handle.id },
        data: { finishedAt: new Date(), outcome: "failed", errorCode: err.code },
      });
  });
}

export async function attemptCancelled(lease: Lease, step: OperationRunStep, handle: AttemptHandle): Promise<void> {
  await fenced(lease, async (tx) => {
    await tx.operationRunStep.update({ where: { id: step.id }, data: { status: "cancelled", finishedAt: new Date() } });
    await tx.operationRunAttempt.update({
      where: { id: handle.id },
      data: { finishedAt: new Date(), outcome: "cancelled" },
    });
  });
}

export interface LogLine {
  level: string;
  message: string;
}

/** How long a step's log line may wait to be written with the lines that follow it. */
export const LOG_BATCH_MS = 200;

/**
 * Appends to the run log in order, without making the step wait for each insert: lines logged
 * within LOG_BATCH_MS are written together, in one statement, and only while the lease is ours
 * (the generation is checked in the INSERT itself). `take` hands the lines not yet written to a
 * caller that writes them in its own statement (a step's success, with its "done" line).
 */
export function makeRunLogger(lease: Lease, stepKey: string | null) {
  let chain = Promise.resolve();
  let pending: LogLine[] = [];
  let timer: NodeJS.Timeout | null = null;
  const detach = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const lines = pending;
    pending = [];
    return lines;
  };
  const write = () => {
    const lines = detach();
    if (lines.length > 0) chain = chain.then(() => insertLogLines(lease, stepKey, lines));
    return chain;
  };
  const log = (message: string, level = "info") => {
    pending.push({ level, message: message.slice(0, 2000) });
    timer ??= setTimeout(write, LOG_BATCH_MS);
  };
  const take = () => {
    const lines = detach();
    return chain.then(() => lines); // after the lines already on their way
  };
  return { log, flush: write, take };
}

async function insertLogLines(lease: Lease, stepKey: string | null, lines: LogLine[]): Promise<void> {
  await sqlWrite(
    `INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
     SELECT $1, $2, e.line->>'level', e.line->>'message'
     FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(line, n)
     WHERE EXISTS (SELECT 1 FROM "OperationRun" WHERE "id" = $1 AND "leaseGeneration" = $3)
     ORDER BY e.n`,
    [lease.runId, stepKey, lease.generation, JSON.stringify(lines)],
  ).catch(() => undefined); // a lost log line must not fail the step
}
