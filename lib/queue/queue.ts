import "server-only";
// The job queue (pg-boss on the same PostgreSQL). It only carries "work on run X": the
// OperationRun row and its lease are the truth. A worker killed with -9 is replaced by the sweep
// (lib/runs/sweep.ts), which takes the stale lease over and sends a fresh job, so a run job's
// expiry is long: pg-boss never hands out a second execution of a job whose step is still running.
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import pg from "pg";
import type { RawTx } from "@/lib/db/sql";
import { log } from "@/lib/log/logger";
import { env } from "@/lib/env/env";
import { statementName } from "@/lib/db/statements";
import { newPool } from "@/lib/db/pool";
import { nextIdleConsumer } from "./wake";

export const RUN_QUEUE = "operation-run";
export const WEBHOOK_QUEUE = "webhook-delivery";

/**
 * How long a run job may stay active before pg-boss hands it out again (RUN_JOB_EXPIRE_SECONDS,
 * an hour): longer than any step. The sweep, not expiry, recovers the runs of a dead worker; a
 * redelivered job whose run is still held retries each second until the holder is done.
 */
const runJobExpireSeconds = () => env("RUN_JOB_EXPIRE_SECONDS");

/**
 * How often an idle run consumer looks for a job on its own. A sent job wakes an idle consumer at
 * once (the wake channel below) and a consumer whose job ends fetches again at once, so this is
 * the fallback: missed notifications and retried jobs (BENCHMARKS.md: an idle web process with
 * the inline worker, 1.9 → 1.3 % of a core for it and its PostgreSQL backends).
 */
const RUN_POLL_SECONDS = 2;

/**
 * NOTIFY channel that wakes a consumer in every process when a job is sent; the payload is the
 * queue's name. The one wake-up mechanism, for this process's consumers as for others'.
 */
const WAKE_CHANNEL = "onramp_jobs";

/** The wake-up of a run job as SQL arguments, for a caller that sends it in its own statement. */
export const RUN_WAKE_UP = { channel: WAKE_CHANNEL, payload: RUN_QUEUE } as const;

interface QueueState {
  boss: Promise<PgBoss> | null;
  /** This process's consumer ids, per queue. */
  consumers: Record<string, string[]>;
  stopWakeListener?: () => void;
  db?: QueueDb;
  /** This process's consumers (of any queue) executing a job right now. */
  busy: Set<string>;
}
const state: QueueState = ((globalThis as { __onrampQueue?: QueueState }).__onrampQueue ??= {
  boss: null,
  consumers: {},
  busy: new Set(),
});
state.busy ??= new Set(); // a state left by an older module version (dev reload)

export function getBoss(): Promise<PgBoss> {
  if (!state.boss) {
    state.boss = (async () => {
      const url = process.env.DATABASE_URL;
      if (!url) throw new Error("DATABASE_URL is not set");
      const db = new QueueDb(url);
      state.db = db;
      const boss = new PgBoss({
        // Its Db type promises rows; a stopped queue's null reads as "0 jobs affected" (QueueDb).
        db: db as unknown as PgBoss.Db,
        schema: "pgboss",
        // Expiry of jobs left active by a dead worker happens in maintenance: keep it frequent.
        maintenanceIntervalSeconds: 5,
      });
      boss.on("error", (err) => log.error({ reason: err.message }, "queue error"));
      try {
        db.open();
        await boss.start();
        await ensureQueue(boss, RUN_QUEUE, {
          policy: "standard",
          retryLimit: 1000,
          retryDelay: 1,
          expireInSeconds: runJobExpireSeconds(),
        });
        await ensureQueue(boss, WEBHOOK_QUEUE, {
          policy: "standard",
          retryLimit: 8,
          retryDelay: 2,
          retryBackoff: true,
          expireInSeconds: 60,
        });
      } catch (err) {
        // A half-started boss keeps timers and a pool alive: stop it so the next call starts clean.
        await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
        await db.close();
        throw err;
      }
      return boss;
    })();
    state.boss.catch(() => (state.boss = null));
  }
  return state.boss;
}

/**
 * pg-boss' connections: its own pool (QUEUE_POOL_MAX), sending named statements like the app's
 * pools (lib/db/statements.ts) — an idle consumer fetches every few seconds and every job is sent,
 * fetched and completed, so planning them once per connection saves PostgreSQL most of their
 * cost. Passed as pg-boss' `db` option, so this module opens and closes it (stopQueue).
 */
class QueueDb {
  pool: pg.Pool | null = null;
  private readonly prepared = env("DATABASE_PREPARED_STATEMENTS");
  constructor(private readonly connectionString: string) {}

  open(): void {
    this.pool ??= newPool(
      { connectionString: this.connectionString, max: env("QUEUE_POOL_MAX"), application_name: "onramp-queue" },
      (err) => log.error({ reason: err.message }, "queue connection error"),
    );
  }

  async executeSql(text: string, values: unknown[] = []): Promise<pg.QueryResult | null> {
    if (!this.pool) {
      // Only after stopQueue: a job that ended after a hard stop, whose completion (or failure)
      // pg-boss sends without awaiting it — a throw here was an unhandled rejection. No result
      // reads as "0 jobs affected" there (mapCommandResponse). The job is left to expire and be
      // retried, which finds its run finished; nothing else is lost.
      log.warn({ statement: text.replace(/\s+/g, " ").trim().slice(0, 80) }, "queue stopped: statement dropped");
      return null;
    }
    const name = this.prepared ? statementName(text, values.length) : undefined;
    return this.pool.query({ text, values, name });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end().catch(() => undefined);
  }
}

/**
 * Creates a queue, or updates its options if it exists. Processes starting at the same instant on a fresh database
 * can deadlock inside pg-boss' createQueue (40P01) or race to insert it (23505): try again.
 */
async function ensureQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // An existing queue takes the current options (they change between releases).
      if (await boss.getQueue(name)) await boss.updateQueue(name, { name, ...options });
      else await boss.createQueue(name, { name, ...options });
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 8 || (code !== "40P01" && code !== "23505")) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    }
  }
}

/**
 * Sends the "run this" job inside the caller's transaction, so a run and its job commit
 * together: a committed run always has a job, and a failed send rolls the run back. The
 * wake-up is sent in the same transaction, so PostgreSQL delivers it at commit.
 */
export async function enqueueRunInTx(
  tx: RawTx,
  runId: string,
  recordedJobId?: string,
  /** The caller's own statement in this transaction already sent RUN_WAKE_UP (a run start's insert). */
  wakeUpSent = false,
): Promise<void> {
  const boss = await getBoss();
  // The run records its newest job (the sweep's orphan check): `recordedJobId` when the caller
  // already wrote it on the run (a run created with `queueJobId: newRunJobId()`).
  const jobId = await boss.send(
    RUN_QUEUE,
    { runId },
    { db: txExecutor(tx), ...(recordedJobId ? { id: recordedJobId } : {}) },
  );
  if (!recordedJobId)
    await tx.$executeRawUnsafe(`UPDATE "OperationRun" SET "queueJobId" = $1::uuid WHERE "id" = $2`, jobId, runId);
  if (!wakeUpSent) await tx.$executeRawUnsafe(`SELECT pg_notify($1, $2)`, WAKE_CHANNEL, RUN_QUEUE);
}

/** A job id to record on a run as it is created, then pass to enqueueRunInTx. */
export const newRunJobId = () => randomUUID();

/** pg-boss' `db` option: its SQL through the caller's transaction (Prisma's or a plain pg one). */
function txExecutor(tx: RawTx) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const params = values.map((v) =>
        v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v,
      );
      return { rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params) };
    },
  };
}

/** Sends a run job outside a transaction (a handover); the run records it as its newest job. */
export async function enqueueRun(runId: string): Promise<void> {
  const boss = await getBoss();
  const jobId = await boss.send(RUN_QUEUE, { runId });
  await boss.getDb().executeSql(`UPDATE "OperationRun" SET "queueJobId" = $1::uuid WHERE "id" = $2`, [jobId, runId]);
  await notifyJobSent(boss, RUN_QUEUE);
}

/**
 * Runs that hold no lease and whose newest job can no longer start them: it was taken (active)
 * more than `staleMs` ago — a live worker claims the run within milliseconds of taking the job,
 * so its worker died in between — or it ended, or is gone. Their job's expiry (an hour) would be
 * the only other way out.
 */
export async function orphanedRuns(staleMs: number, limit = 100): Promise<{ id: string; queueJobId: string | null }[]> {
  const boss = await getBoss();
  const { rows } = await boss.getDb().executeSql(
    `SELECT r."id", r."queueJobId"::text AS "queueJobId"
       FROM "OperationRun" r
       LEFT JOIN pgboss.job j ON j.name = $1 AND j.id = r."queueJobId"
      WHERE r."status" IN ('queued', 'running') AND r."leaseOwner" IS NULL
        AND (j.id IS NULL
             OR j.state IN ('completed', 'cancelled', 'failed')
             OR (j.state = 'active' AND j.started_on < now() - make_interval(secs => $2::double precision / 1000)))
      LIMIT $3`,
    [RUN_QUEUE, staleMs, limit],
  );
  return rows as { id: string; queueJobId: string | null }[];
}

export async function enqueueWebhookDelivery(deliveryId: string): Promise<void> {
  const boss = await getBoss();
  await boss.send(WEBHOOK_QUEUE, { deliveryId });
  await notifyJobSent(boss, WEBHOOK_QUEUE);
}

async function notifyJobSent(boss: PgBoss, queue: string): Promise<void> {
  // Best effort: a lost wake-up only costs the consumers their next poll.
  await boss
    .getDb()
    .executeSql("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, queue])
    .catch(() => undefined);
}

let nextWake = 0;

/**
 * A notification means one new job: wake one idle consumer of its queue in this process
 * (wake.ts), not all of them — every process hears it, and waking every slot everywhere turned
 * each job into a burst of empty fetches (BENCHMARKS.md, pipeline).
 */
function wakeOneConsumer(queue: string): void {
  const boss = state.boss;
  const ids = state.consumers[queue];
  if (!boss || !ids?.length) return;
  const next = nextIdleConsumer(ids, state.busy, nextWake);
  if (!next) return;
  nextWake = next.cursor;
  const { id } = next;
  void boss.then(
    (b) => b.notifyWorker(id),
    () => undefined,
  );
}

function addConsumer(queue: string, id: string): void {
  // ??=: a state object left by an older module version (dev reloads) may lack the field.
  ((state.consumers ??= {})[queue] ??= []).push(id);
}

/**
 * LISTENs on the wake channel with a connection of its own, reconnecting when PostgreSQL goes
 * away. Polling (RUN_POLL_SECONDS) stays the fallback, so a missed notification delays, never loses.
 */
function startWakeListener(connectionString: string): () => void {
  let stopped = false;
  let current: pg.Client | null = null;
  const connect = () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString, application_name: "onramp-wake" });
    let retried = false;
    const retry = () => {
      if (retried || stopped) return;
      retried = true;
      setTimeout(connect, 1_000).unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", (message) => wakeOneConsumer(message.payload || RUN_QUEUE));
    client
      .connect()
      .then(() => client.query(`LISTEN ${WAKE_CHANNEL}`))
      .then(() => {
        current = client;
        if (stopped) void client.end().catch(() => undefined);
      })
      .catch(() => {
        void client.end().catch(() => undefined);
        retry();
      });
  };
  connect();
  return () => {
    stopped = true;
    void current?.end().catch(() => undefined);
  };
}

export interface WorkerHandlers {
  run: (runId: string) => Promise<void>;
  webhook: (deliveryId: string) => Promise<void>;
}

/** Starts `concurrency` run consumers and one webhook consumer in this process. */
export async function startConsumers(handlers: WorkerHandlers, concurrency: number): Promise<void> {
  const boss = await getBoss();
  // Captured: a job still finishing after stopQueue counts against the set it started in.
  const busy = state.busy;
  for (let i = 0; i < concurrency; i++) {
    const id: string = await boss.work<{ runId: string }>(
      RUN_QUEUE,
      { pollingIntervalSeconds: RUN_POLL_SECONDS, batchSize: 1 },
      async ([job]) => {
        busy.add(id);
        try {
          await handlers.run(job.data.runId);
        } finally {
          busy.delete(id);
          // Fetch the next job now rather than after the polling interval: under load a
          // consumer otherwise idles between runs (BENCHMARKS.md, pipeline).
          boss.notifyWorker(id);
        }
      },
    );
    addConsumer(RUN_QUEUE, id);
  }
  const webhookId = await boss.work<{ deliveryId: string }>(
    WEBHOOK_QUEUE,
    { pollingIntervalSeconds: 1, batchSize: 1 },
    async ([job]) => {
      await handlers.webhook(job.data.deliveryId);
    },
  );
  addConsumer(WEBHOOK_QUEUE, webhookId);
  state.stopWakeListener ??= startWakeListener(process.env.DATABASE_URL!);
}

/**
 * Whether one of this process's run consumers is free to take a waiting job. A run past its job
 * budget hands over only when none is (lib/runs/execute-run.ts): a free consumer would pick the
 * waiting job anyway, and a lone long run then goes from step to step without pausing for a new
 * job. False outside a worker (no consumers), so a run executed directly always hands over.
 */
export const hasFreeRunConsumer = (): boolean => (state.consumers[RUN_QUEUE] ?? []).some((id) => !state.busy.has(id));

export async function stopQueue(opts: { graceful?: boolean } = {}): Promise<void> {
  if (!state.boss) return;
  const boss = await state.boss.catch(() => null);
  const db = state.db;
  state.boss = null;
  state.db = undefined;
  state.consumers = {};
  state.busy = new Set();
  state.stopWakeListener?.();
  state.stopWakeListener = undefined;
  await boss?.stop({ graceful: opts.graceful ?? true, wait: true, timeout: 15_000 });
  await db?.close();
}
