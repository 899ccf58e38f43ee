import "server-only";
// The bookkeeping of one attempt of one step, every write fenced by the lease: the attempt row
// (the timeline), the step row and the run's health. A worker whose lease was taken over gets
// LeaseLost from any of these and writes nothing more. The two writes every step makes (start,
// success) are one statement each, through the plain pg pool (BENCHMARKS.md: step bookkeeping);
// the rarer outcomes stay on Prisma.
import type { OperationRunStep, Prisma } from "@/lib/generated/prisma/client";
import type { ProviderError } from "@/lib/providers/types";
import { randomUUID } from "node:crypto";
import { sqlWrite, utcTimestamp } from "@/lib/db/sql";
import { fenced, heldRunSql, leaseLost, type Lease } from "./lease";

export interface AttemptHandle {
  id: string;
  attempt: number;
  /** The step row's cumulative attempt counter after this attempt started. */
  stepAttempts: number;
}

/**
 * Starts an attempt in one statement: the run row (health back to healthy, a heartbeat — the
 * UPDATE is also the fence: it matches only while the lease is ours), the step row, the attempt
 * row of the timeline and the "attempt n" log line. LeaseLost when the lease is gone.
 */
export async function beginAttempt(
  lease: Lease,
  step: Pick<OperationRunStep, "id" | "key" | "label">,
  attempt: number,
): Promise<AttemptHandle> {
  const id = randomUUID();
  const rows = await sqlWrite<{ attempts: number }>(
    `WITH lease AS (
       UPDATE "OperationRun" SET "health" = 'healthy', "healthReason" = NULL, "nextAttemptAt" = NULL,
         "stalledNotifiedAt" = NULL, "heartbeatAt" = $5::timestamp, "updatedAt" = $5::timestamp
       WHERE "id" = $1 AND "leaseGeneration" = $2 AND "leaseOwner" = $3
       RETURNING "id"
     ), st AS (
       UPDATE "OperationRunStep" SET "status" = 'running', "attempts" = "attempts" + 1,
         "startedAt" = COALESCE("startedAt", $5::timestamp), "errorCode" = NULL, "errorMessage" = NULL
       WHERE "id" = $4 AND "runId" = (SELECT "id" FROM lease)
       RETURNING "attempts"
     ), att AS (
       INSERT INTO "OperationRunAttempt" ("id", "runId", "stepKey", "attempt", "leaseGeneration", "workerId", "startedAt")
       SELECT $6, "id", $7, $8, $2, $3, $5::timestamp FROM lease
     ), line AS (
       INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
       SELECT "id", $7, 'info', $9 || ': attempt ' || (SELECT "attempts" FROM st) FROM lease
     )
     SELECT "attempts" FROM st`,
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
 * a log line and, when `sessionSteps` is given (a bootstrap), the session's seed `steps` — as
 * progress (`progress` + 1), not as a new version: nothing an operator edits changed, so a draft
 * save in flight keeps its version (lib/onboarding/mutate-session.ts). LeaseLost when the lease
 * is gone; then nothing is written.
 */
export async function attemptSucceeded(
  lease: Lease,
  step: Pick<OperationRunStep, "id" | "key">,
  handle: AttemptHandle,
  result: unknown,
  progress: { sessionId: string; sessionSteps: unknown | null; logLines: LogLine[] },
): Promise<void> {
  const rows = await sqlWrite<{ held: number }>(
    `WITH lease AS (${heldRunSql("$1", "$2", "$3")}), st AS (
       UPDATE "OperationRunStep" SET "status" = 'succeeded', "finishedAt" = $5::timestamp, "result" = $6::jsonb
       WHERE "id" = $4 AND "runId" = (SELECT "id" FROM lease)
     ), att AS (
       UPDATE "OperationRunAttempt" SET "finishedAt" = $5::timestamp, "outcome" = 'succeeded'
       WHERE "id" = $7 AND "runId" = (SELECT "id" FROM lease)
     ), progress AS (
       UPDATE "OnboardingSession" SET "steps" = $9::jsonb, "progress" = "progress" + 1, "updatedAt" = $5::timestamp
       WHERE "id" = $8 AND $9::jsonb IS NOT NULL AND EXISTS (SELECT 1 FROM lease)
     ), line AS (
       INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
       SELECT lease."id", $10, e.line->>'level', e.line->>'message'
       FROM lease, jsonb_array_elements($11::jsonb) WITH ORDINALITY AS e(line, n) ORDER BY e.n
     )
     SELECT count(*)::int AS "held" FROM lease`,
    [
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
    ],
  );
  if (rows[0]?.held !== 1) throw leaseLost(lease);
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
