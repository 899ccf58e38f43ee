import "server-only";
// Metrics computed from PostgreSQL at scrape time: the runs, steps, failures, queue and webhook
// deliveries of every web and worker process at once, surviving restarts (the rows are the
// truth; nothing is counted in memory). Counters are totals over the rows (they only fall if a
// workspace is deleted); histograms use fixed buckets counted in SQL. Every label is bounded:
// kinds, statuses, step keys, provider kinds and reason codes — never ids, slugs or emails.
import { db } from "@/lib/db/client";

export const STEP_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900] as const;
export const PICKUP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] as const;
export const ATTEMPT_BUCKETS = [1, 2, 3, 4, 6, 8, 10] as const;

export interface HistogramRow {
  labels: Record<string, string>;
  count: number;
  sum: number;
  /** Cumulative counts, one per bucket bound (the +Inf bucket is `count`). */
  buckets: number[];
}

export interface CountRow {
  labels: Record<string, string>;
  value: number;
}

export interface DbMetrics {
  runsStarted: CountRow[];
  runsFinished: CountRow[];
  runFailures: CountRow[];
  stepFailures: CountRow[];
  runsActive: CountRow[];
  runsStalled: CountRow[];
  stepDuration: HistogramRow[];
  runPickup: HistogramRow[];
  queueDepth: CountRow[];
  queueOldestReady: CountRow[];
  webhookDeliveries: CountRow[];
  webhookAttempts: HistogramRow[];
}

/** `count(*) FILTER (WHERE x <= b)` per bound: cumulative bucket counts in one pass. */
const bucketSql = (expr: string, bounds: readonly number[]) =>
  `ARRAY[${bounds.map((b) => `count(*) FILTER (WHERE ${expr} <= ${Number(b)})`).join(", ")}]::int[]`;

// The provider a step talks to, from the session's connections (no connection = simulated).
// deploy_services and verify go to the infrastructure when it deploys (Cloudflare Pages).
const STEP_PROVIDER = `CASE
  WHEN s.key IN ('create_platform', 'retire_platform') THEN 'onramp'
  WHEN s.key IN ('setup_repo', 'check_repository') THEN coalesce(rc.kind::text, 'simulated')
  WHEN s.key IN ('deploy_services', 'verify') AND coalesce(ic.kind::text, 'simulated') <> 'cloudflare' THEN coalesce(rc.kind::text, 'simulated')
  ELSE coalesce(ic.kind::text, 'simulated') END`;

// Every history query counts rows finished in [$1, $2): the sealed past once, then only what
// finished since (see collectDbMetrics).
const STEP_DURATION_SQL = `
WITH d AS (
  SELECT r.kind::text AS kind, s.key AS step, s.status::text AS outcome, ${STEP_PROVIDER} AS provider,
         date_part('epoch', s."finishedAt" - s."startedAt") AS secs
  FROM "OperationRunStep" s
  JOIN "OperationRun" r ON r.id = s."runId"
  JOIN "OnboardingSession" o ON o.id = r."sessionId"
  LEFT JOIN "ProviderConnection" rc ON rc.id = o."connectionId"
  LEFT JOIN "ProviderConnection" ic ON ic.id = o."infraConnectionId"
  WHERE s."finishedAt" >= $1 AND s."finishedAt" < $2 AND s."startedAt" IS NOT NULL
)
SELECT kind, provider, step, outcome, count(*)::int AS count, coalesce(sum(secs), 0)::float8 AS sum, ${bucketSql("secs", STEP_BUCKETS)} AS buckets
FROM d GROUP BY 1, 2, 3, 4`;

const PICKUP_SQL = `
SELECT kind::text AS kind, count(*)::int AS count, coalesce(sum(secs), 0)::float8 AS sum, ${bucketSql("secs", PICKUP_BUCKETS)} AS buckets
FROM (SELECT kind, date_part('epoch', "startedAt" - "createdAt") AS secs FROM "OperationRun"
      WHERE "finishedAt" >= $1 AND "finishedAt" < $2 AND "startedAt" IS NOT NULL) p
GROUP BY 1`;

const RUNS_FINISHED_SQL = `
SELECT kind::text AS kind, outcome::text AS outcome, count(*)::int AS value FROM "OperationRun"
WHERE "finishedAt" >= $1 AND "finishedAt" < $2 AND status = 'completed' GROUP BY 1, 2`;

const RUN_FAILURES_SQL = `
SELECT kind::text AS kind, "reasonCode" AS reason_code, count(*)::int AS value FROM "OperationRun"
WHERE "finishedAt" >= $1 AND "finishedAt" < $2 AND status = 'completed' AND outcome IN ('failed', 'blocked') GROUP BY 1, 2`;

const STEP_FAILURES_SQL = `
SELECT r.kind::text AS kind, s.key AS step, s."errorCode" AS code, count(*)::int AS value
FROM "OperationRunStep" s JOIN "OperationRun" r ON r.id = s."runId"
WHERE s."finishedAt" >= $1 AND s."finishedAt" < $2 AND s.status = 'failed' GROUP BY 1, 2, 3`;

const WEBHOOK_ATTEMPTS_SQL = `
SELECT status::text AS status, count(*)::int AS count, coalesce(sum(attempts), 0)::float8 AS sum, ${bucketSql("attempts", ATTEMPT_BUCKETS)} AS buckets
FROM "WebhookDelivery" GROUP BY 1`;

type Row = Record<string, unknown>;

function counts(rows: Row[], labelNames: string[], valueKey = "value"): CountRow[] {
  return rows.map((r) => ({
    labels: Object.fromEntries(labelNames.map((n) => [n, r[n] === null || r[n] === undefined ? "none" : String(r[n])])),
    value: Number(r[valueKey]),
  }));
}

function histograms(rows: Row[], labelNames: string[]): HistogramRow[] {
  return rows.map((r) => ({
    labels: Object.fromEntries(labelNames.map((n) => [n, String(r[n] ?? "none")])),
    count: Number(r.count),
    sum: Number(r.sum),
    buckets: (r.buckets as number[]).map(Number),
  }));
}

/** The metrics that count finished rows: summed over the sealed past plus the live tail. */
interface History {
  runsFinished: CountRow[];
  runFailures: CountRow[];
  stepFailures: CountRow[];
  stepDuration: HistogramRow[];
  runPickup: HistogramRow[];
}

async function historyBetween(from: Date, to: Date): Promise<History> {
  const q = db();
  const [finished, runFailures, stepFailures, stepDuration, pickup] = await Promise.all([
    q.$queryRawUnsafe<Row[]>(RUNS_FINISHED_SQL, from, to),
    q.$queryRawUnsafe<Row[]>(RUN_FAILURES_SQL, from, to),
    q.$queryRawUnsafe<Row[]>(STEP_FAILURES_SQL, from, to),
    q.$queryRawUnsafe<Row[]>(STEP_DURATION_SQL, from, to),
    q.$queryRawUnsafe<Row[]>(PICKUP_SQL, from, to),
  ]);
  return {
    runsFinished: counts(finished, ["kind", "outcome"]),
    runFailures: counts(runFailures, ["kind", "reason_code"]),
    stepFailures: counts(stepFailures, ["kind", "step", "code"]),
    stepDuration: histograms(stepDuration, ["kind", "provider", "step", "outcome"]),
    runPickup: histograms(pickup, ["kind"]),
  };
}

const keyOf = (labels: Record<string, string>) => JSON.stringify(labels);

/** Sums two sets of rows with the same label names (counts, sums and buckets add up). */
export function addRows<R extends CountRow | HistogramRow>(a: R[], b: R[]): R[] {
  const out = new Map<string, R>(a.map((r) => [keyOf(r.labels), structuredClone(r)]));
  for (const r of b) {
    const mine = out.get(keyOf(r.labels));
    if (!mine) out.set(keyOf(r.labels), structuredClone(r));
    else if ("value" in mine && "value" in r) mine.value += r.value;
    else if ("count" in mine && "count" in r) {
      mine.count += r.count;
      mine.sum += r.sum;
      mine.buckets = mine.buckets.map((v, i) => v + (r.buckets[i] ?? 0));
    }
  }
  return [...out.values()];
}

function addHistory(a: History, b: History): History {
  return {
    runsFinished: addRows(a.runsFinished, b.runsFinished),
    runFailures: addRows(a.runFailures, b.runFailures),
    stepFailures: addRows(a.stepFailures, b.stepFailures),
    stepDuration: addRows(a.stepDuration, b.stepDuration),
    runPickup: addRows(a.runPickup, b.runPickup),
  };
}

/**
 * Rows finished before the seal are counted once per process and kept; a scrape only reads what
 * finished since (over the finishedAt indexes), so its cost follows the last ~20 minutes of
 * activity, not the whole history. The seal trails the clock by SEAL_LAG_MS, far more than the
 * skew between the clocks of the processes that write finishedAt. A row finished in the sealed
 * past that changes afterwards (a resumed run's failed step) stays counted: these are counts of
 * events, which is what a Prometheus counter is.
 */
const SEAL_STEP_MS = 10 * 60_000;
const SEAL_LAG_MS = 10 * 60_000;
const EPOCH = new Date(0);
const END = new Date("9999-01-01T00:00:00Z");

interface SealState {
  until: Date;
  history: History;
}
const sealState = globalThis as { __onrampMetricsSeal?: Promise<SealState> };

async function sealedHistory(now: Date): Promise<SealState> {
  const until = new Date(Math.floor((now.getTime() - SEAL_LAG_MS) / SEAL_STEP_MS) * SEAL_STEP_MS);
  const current = sealState.__onrampMetricsSeal;
  const next = (async () => {
    const previous = current ? await current.catch(() => null) : null;
    if (previous && previous.until.getTime() >= until.getTime()) return previous;
    const from = previous?.until ?? EPOCH;
    const added = await historyBetween(from, until);
    return { until, history: previous ? addHistory(previous.history, added) : added };
  })();
  sealState.__onrampMetricsSeal = next;
  next.catch(() => {
    if (sealState.__onrampMetricsSeal === next) sealState.__onrampMetricsSeal = current;
  });
  return next;
}

/** Tests: forget the sealed past (as a restarted process would). */
export function resetSealedMetrics(): void {
  delete sealState.__onrampMetricsSeal;
}

/** pg-boss' jobs waiting or in flight, and how long the oldest ready one has waited. */
async function queueRows(): Promise<{ depth: Row[]; oldest: Row[] }> {
  const q = db();
  // The queue's schema does not exist until a process has started pg-boss once.
  const [{ ready }] = await q.$queryRawUnsafe<{ ready: boolean }[]>(
    `SELECT to_regclass('pgboss.job') IS NOT NULL AS ready`,
  );
  if (!ready) return { depth: [], oldest: [] };
  const [depth, oldest] = await Promise.all([
    q.$queryRawUnsafe<Row[]>(
      `SELECT name AS queue, state::text AS state, count(*)::int AS value FROM pgboss.job WHERE state < 'completed' GROUP BY 1, 2`,
    ),
    q.$queryRawUnsafe<Row[]>(
      `SELECT name AS queue, coalesce(date_part('epoch', now() - min(start_after)), 0)::float8 AS value
       FROM pgboss.job WHERE state < 'active' AND start_after <= now() GROUP BY 1`,
    ),
  ]);
  return { depth, oldest };
}

export async function collectDbMetrics(now = new Date()): Promise<DbMetrics> {
  const q = db();
  const sealed = await sealedHistory(now);
  const [live, started, active, deliveries, attempts, queue] = await Promise.all([
    historyBetween(sealed.until, END),
    // Runs created (finished or not): one pass over OperationRun, ~25 ms per 150,000 runs (BENCHMARKS.md).
    q.$queryRawUnsafe<Row[]>(`SELECT kind::text AS kind, count(*)::int AS value FROM "OperationRun" GROUP BY 1`),
    q.$queryRawUnsafe<Row[]>(
      `SELECT kind::text AS kind, status::text AS status, coalesce(health::text, 'healthy') AS health, count(*)::int AS value
       FROM "OperationRun" WHERE status IN ('queued', 'running') GROUP BY 1, 2, 3`,
    ),
    q.$queryRawUnsafe<Row[]>(`SELECT status::text AS status, count(*)::int AS value FROM "WebhookDelivery" GROUP BY 1`),
    q.$queryRawUnsafe<Row[]>(WEBHOOK_ATTEMPTS_SQL),
    queueRows(),
  ]);
  const history = addHistory(sealed.history, live);
  const activeRows = counts(active, ["kind", "status", "health"]);
  const stalled = new Map<string, number>();
  for (const r of activeRows)
    if (r.labels.health === "stalled") stalled.set(r.labels.kind, (stalled.get(r.labels.kind) ?? 0) + r.value);
  return {
    ...history,
    runsStarted: counts(started, ["kind"]),
    runsActive: activeRows,
    runsStalled: [...stalled].map(([kind, value]) => ({ labels: { kind }, value })),
    queueDepth: counts(queue.depth, ["queue", "state"]),
    queueOldestReady: counts(queue.oldest, ["queue"]),
    webhookDeliveries: counts(deliveries, ["status"]),
    webhookAttempts: histograms(attempts, ["status"]),
  };
}
