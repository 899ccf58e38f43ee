import "server-only";
// The bookkeeping of one attempt of one step, every write fenced by the lease: the attempt row
// (the timeline), the step row and the run's health. A worker whose lease was taken over gets
// LeaseLost from any of these and writes nothing more.
import type { OperationRunStep, Prisma } from "@/lib/generated/prisma/client";
import type { ProviderError } from "@/lib/providers/types";
import { db } from "@/lib/db/client";
import { fenced, type Lease } from "./lease";

export interface AttemptHandle {
  id: string;
  attempt: number;
  /** The step row's cumulative attempt counter after this attempt started. */
  stepAttempts: number;
}

export async function beginAttempt(lease: Lease, step: OperationRunStep, attempt: number): Promise<AttemptHandle> {
  return fenced(lease, async (tx) => {
    const started = await tx.operationRunStep.update({
      where: { id: step.id },
      data: {
        status: "running",
        attempts: { increment: 1 },
        startedAt: step.startedAt ?? new Date(),
        errorCode: null,
        errorMessage: null,
      },
    });
    const row = await tx.operationRunAttempt.create({
      data: {
        runId: lease.runId,
        stepKey: step.key,
        attempt,
        leaseGeneration: lease.generation,
        workerId: lease.workerId,
      },
    });
    await tx.operationRun.update({
      where: { id: lease.runId },
      data: { health: "healthy", healthReason: null, nextAttemptAt: null, stalledNotifiedAt: null },
    });
    return { id: row.id, attempt, stepAttempts: started.attempts };
  });
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

export async function attemptSucceeded(
  lease: Lease,
  step: OperationRunStep,
  handle: AttemptHandle,
  result: unknown,
): Promise<void> {
  await fenced(lease, async (tx) => {
    await tx.operationRunStep.update({
      where: { id: step.id },
      data: { status: "succeeded", finishedAt: new Date(), result: (result ?? {}) as Prisma.InputJsonValue },
    });
    await tx.operationRunAttempt.update({
      where: { id: handle.id },
      data: { finishedAt: new Date(), outcome: "succeeded" },
    });
  });
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

/**
 * Appends to the run log in order, without making the step wait for each insert. A line is only
 * written while the lease is ours (the generation is checked in the INSERT itself).
 */
export function makeRunLogger(lease: Lease, stepKey: string | null) {
  let chain = Promise.resolve();
  const log = (message: string, level = "info") => {
    chain = chain.then(() =>
      db().$executeRaw`INSERT INTO "OperationRunLog" ("runId", "stepKey", "level", "message")
          SELECT ${lease.runId}, ${stepKey}, ${level}, ${message.slice(0, 2000)}
          WHERE EXISTS (SELECT 1 FROM "OperationRun" WHERE "id" = ${lease.runId} AND "leaseGeneration" = ${lease.generation})`.then(
        () => undefined,
        () => undefined,
      ),
    );
  };
  return { log, flush: () => chain };
}
