import "server-only";
// The sweep, run every SWEEP_MS by each worker process: takes over runs whose lease went stale
// (a worker killed, paused or cut off) without waiting for the queue job to expire, queues a
// fresh job for runs whose job was taken by a worker that died before claiming the run, and
// reports runs that stopped making progress as stalled (health + one onboarding.stalled webhook
// per stall).
import { db } from "@/lib/db/client";
import { enqueueRunInTx, enqueueWebhookDelivery, orphanedRuns } from "@/lib/queue/queue";
import { recordRunEvent } from "@/lib/webhooks/outbox";
import { errorFields, log } from "@/lib/log/logger";
import { LEASE_STALE_MS, STALL_AFTER_MS, STEP_OVER_BUDGET_GRACE_MS, STEP_TIMEOUT_MS } from "./definitions";

export interface SweepResult {
  takenOver: string[];
  requeued: string[];
  stalled: string[];
}

export async function sweepRuns(now = new Date()): Promise<SweepResult> {
  return {
    takenOver: await takeOverStaleLeases(now),
    requeued: await requeueOrphans(),
    stalled: await reportStalls(now),
  };
}

/**
 * A lease not renewed for LEASE_STALE_MS is taken from its owner: generation + 1 (the old owner's
 * writes are refused from now on), its open attempt is closed as `lost`, and a fresh job is queued
 * in the same transaction, so any worker continues the run at once.
 */
async function takeOverStaleLeases(now: Date): Promise<string[]> {
  const staleBefore = new Date(now.getTime() - LEASE_STALE_MS);
  const stale = await db().operationRun.findMany({
    where: { status: "running", heartbeatAt: { lt: staleBefore }, leaseOwner: { not: null } },
    select: { id: true, leaseOwner: true, leaseGeneration: true, heartbeatAt: true },
    take: 100,
  });
  const taken: string[] = [];
  for (const run of stale) {
    const won = await db().$transaction(async (tx) => {
      const { count } = await tx.operationRun.updateMany({
        where: {
          id: run.id,
          status: "running",
          leaseOwner: run.leaseOwner,
          leaseGeneration: run.leaseGeneration,
          heartbeatAt: { lt: staleBefore },
        },
        data: { leaseOwner: null, leaseGeneration: { increment: 1 } },
      });
      if (count === 0) return false;
      await tx.operationRunAttempt.updateMany({
        where: { runId: run.id, finishedAt: null },
        data: { finishedAt: now, outcome: "lost" },
      });
      const silentS = Math.round((now.getTime() - run.heartbeatAt!.getTime()) / 100) / 10;
      await tx.operationRunLog.create({
        data: {
          runId: run.id,
          level: "warn",
          message: `Worker ${run.leaseOwner} stopped renewing its lease (${silentS} s without a heartbeat); another worker takes the run over`,
        },
      });
      await enqueueRunInTx(tx, run.id);
      return true;
    });
    if (won) {
      taken.push(run.id);
      log.warn({ runId: run.id, previousOwner: run.leaseOwner }, "stale lease taken over");
    }
  }
  return taken;
}

/**
 * A worker that dies after taking a run's job but before claiming the run leaves no lease to go
 * stale: the run would wait for the job's expiry (an hour). Queue a fresh job for it — once: the
 * update is conditional on the job we saw still being the run's newest, with no lease.
 */
async function requeueOrphans(): Promise<string[]> {
  const requeued: string[] = [];
  for (const orphan of await orphanedRuns(LEASE_STALE_MS)) {
    const won = await db().$transaction(async (tx) => {
      const { count } = await tx.operationRun.updateMany({
        where: {
          id: orphan.id,
          status: { in: ["queued", "running"] },
          leaseOwner: null,
          queueJobId: orphan.queueJobId,
        },
        data: { queueJobId: null },
      });
      if (count === 0) return false;
      await tx.operationRunLog.create({
        data: {
          runId: orphan.id,
          level: "warn",
          message: "The worker that took this run's job stopped before starting it; the run is queued again",
        },
      });
      await enqueueRunInTx(tx, orphan.id);
      return true;
    });
    if (won) {
      requeued.push(orphan.id);
      log.warn({ runId: orphan.id, previousJob: orphan.queueJobId }, "orphaned run queued again");
    }
  }
  return requeued;
}

/** Active runs with no sign of progress for STALL_AFTER_MS, or a step far past its budget. */
async function reportStalls(now: Date): Promise<string[]> {
  const silentBefore = new Date(now.getTime() - STALL_AFTER_MS);
  const overBudgetBefore = new Date(now.getTime() - STEP_TIMEOUT_MS - STEP_OVER_BUDGET_GRACE_MS);
  const candidates = await db().operationRun.findMany({
    where: {
      status: { in: ["queued", "running"] },
      stalledNotifiedAt: null,
      OR: [
        { heartbeatAt: { lt: silentBefore } },
        { heartbeatAt: null, createdAt: { lt: silentBefore } },
        { attempts: { some: { finishedAt: null, startedAt: { lt: overBudgetBefore } } } },
      ],
    },
    select: { id: true, leaseOwner: true, heartbeatAt: true, createdAt: true, sessionId: true },
    take: 100,
  });
  const stalled: string[] = [];
  for (const run of candidates) {
    const silent = (run.heartbeatAt ?? run.createdAt) < silentBefore;
    const reason = !silent
      ? "stalled:step_over_budget"
      : run.leaseOwner
        ? "stalled:no_heartbeat"
        : "stalled:not_picked_up";
    try {
      const deliveries = await db().$transaction(async (tx) => {
        const { count } = await tx.operationRun.updateMany({
          where: { id: run.id, status: { in: ["queued", "running"] }, stalledNotifiedAt: null },
          data: { health: "stalled", healthReason: reason, stalledNotifiedAt: now },
        });
        if (count === 0) return null;
        const fresh = await tx.operationRun.findUniqueOrThrow({ where: { id: run.id }, include: { session: true } });
        await tx.operationRunLog.create({
          data: { runId: run.id, level: "warn", message: `Run reported stalled (${reason})` },
        });
        return recordRunEvent(tx, "onboarding.stalled", fresh.session, fresh);
      });
      if (deliveries === null) continue;
      stalled.push(run.id);
      for (const id of deliveries)
        await enqueueWebhookDelivery(id).catch((e) =>
          log.error({ deliveryId: id, ...errorFields(e) }, "webhook enqueue failed"),
        );
    } catch (err) {
      log.error({ runId: run.id, ...errorFields(err) }, "stall report failed");
    }
  }
  return stalled;
}

/** Starts the periodic sweep in this process; returns its stop function. */
export function startSweep(intervalMs: number): () => void {
  if (intervalMs <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepRuns()
      .catch((err) => log.warn({ ...errorFields(err) }, "run sweep failed"))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
