import "server-only";
// The job queue (pg-boss on the same PostgreSQL). It only carries "work on run X": the
// OperationRun row is the truth. Jobs are short (one JOB_BUDGET_MS slice of a run) so that a
// worker killed with -9 leaves a job that pg-boss expires and hands to another worker quickly.
import PgBoss from "pg-boss";
import { JOB_BUDGET_MS, STEP_TIMEOUT_MS } from "./definitions";

export const RUN_QUEUE = "operation-run";
export const WEBHOOK_QUEUE = "webhook-delivery";

const EXPIRE_SECONDS = Math.ceil((JOB_BUDGET_MS + STEP_TIMEOUT_MS * 1.5) / 1000) + 5;

interface QueueState {
  boss: Promise<PgBoss> | null;
  workerIds: string[];
}
const state: QueueState = ((globalThis as { __onrampQueue?: QueueState }).__onrampQueue ??= { boss: null, workerIds: [] });

export function getBoss(): Promise<PgBoss> {
  if (!state.boss) {
    state.boss = (async () => {
      const url = process.env.DATABASE_URL;
      if (!url) throw new Error("DATABASE_URL is not set");
      const boss = new PgBoss({
        connectionString: url,
        schema: "pgboss",
        max: Number(process.env.QUEUE_POOL_MAX ?? 4),
        // Expiry of jobs left active by a dead worker happens in maintenance: keep it frequent.
        maintenanceIntervalSeconds: 5,
        application_name: "onramp-queue",
      });
      boss.on("error", (err) => console.error("[queue]", err.message));
      await boss.start();
      await boss.createQueue(RUN_QUEUE, {
        name: RUN_QUEUE,
        policy: "standard",
        retryLimit: 1000,
        retryDelay: 1,
        expireInSeconds: EXPIRE_SECONDS,
      });
      await boss.createQueue(WEBHOOK_QUEUE, {
        name: WEBHOOK_QUEUE,
        policy: "standard",
        retryLimit: 8,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 60,
      });
      return boss;
    })();
    state.boss.catch(() => (state.boss = null));
  }
  return state.boss;
}

export async function enqueueRun(runId: string, opts: { startAfterSeconds?: number } = {}): Promise<void> {
  const boss = await getBoss();
  await boss.send(RUN_QUEUE, { runId }, opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {});
  // A worker in this process need not wait for its next poll.
  for (const id of state.workerIds) boss.notifyWorker(id);
}

export async function enqueueWebhookDelivery(deliveryId: string): Promise<void> {
  const boss = await getBoss();
  await boss.send(WEBHOOK_QUEUE, { deliveryId });
  for (const id of state.workerIds) boss.notifyWorker(id);
}

export interface WorkerHandlers {
  run: (runId: string) => Promise<void>;
  webhook: (deliveryId: string) => Promise<void>;
}

/** Starts `concurrency` run consumers and one webhook consumer in this process. */
export async function startConsumers(handlers: WorkerHandlers, concurrency: number): Promise<void> {
  const boss = await getBoss();
  for (let i = 0; i < concurrency; i++) {
    const id = await boss.work<{ runId: string }>(RUN_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
      await handlers.run(job.data.runId);
    });
    state.workerIds.push(id);
  }
  const webhookId = await boss.work<{ deliveryId: string }>(WEBHOOK_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
    await handlers.webhook(job.data.deliveryId);
  });
  state.workerIds.push(webhookId);
}

export async function stopQueue(opts: { graceful?: boolean } = {}): Promise<void> {
  if (!state.boss) return;
  const boss = await state.boss.catch(() => null);
  state.boss = null;
  state.workerIds = [];
  await boss?.stop({ graceful: opts.graceful ?? true, wait: true, timeout: 15_000 });
}
