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

const STEP_DURATION_SQL = `
WITH d AS (
  SELECT r.kind::text AS kind, s.key AS step, s.status::text AS outcome, ${STEP_PROVIDER} AS provider,
         extract(epoch FROM s."finishedAt" - s."startedAt")::float8 AS secs
  FROM "OperationRunStep" s
  JOIN "OperationRun" r ON r.id = s."runId"
  JOIN "OnboardingSession" o ON o.id = r."sessionId"
  LEFT JOIN "ProviderConnection" rc ON rc.id = o."connectionId"
  LEFT JOIN "ProviderConnection" ic ON ic.id = o."infraConnectionId"
  WHERE s."finishedAt" IS NOT NULL AND s."startedAt" IS NOT NULL
)
SELECT kind, provider, step, outcome, count(*)::int AS count, coalesce(sum(secs), 0)::float8 AS sum, ${bucketSql("secs", STEP_BUCKETS)} AS buckets
FROM d GROUP BY 1, 2, 3, 4`;

const PICKUP_SQL = `
SELECT kind::text AS kind, count(*)::int AS count, coalesce(sum(secs), 0)::float8 AS sum, ${bucketSql("secs", PICKUP_BUCKETS)} AS buckets
FROM (SELECT kind, extract(epoch FROM "startedAt" - "createdAt")::float8 AS secs FROM "OperationRun" WHERE "startedAt" IS NOT NULL) p
GROUP BY 1`;

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

/** pg-boss' jobs waiting or in flight, and how long the oldest ready one has waited. */
async function queueRows(): Promise<{ depth: Row[]; oldest: Row[] }> {
  const q = db();
  try {
    const [depth, oldest] = await Promise.all([
      q.$queryRawUnsafe<Row[]>(
        `SELECT name AS queue, state::text AS state, count(*)::int AS value FROM pgboss.job WHERE state < 'completed' GROUP BY 1, 2`,
      ),
      q.$queryRawUnsafe<Row[]>(
        `SELECT name AS queue, coalesce(extract(epoch FROM now() - min(start_after)), 0)::float8 AS value
         FROM pgboss.job WHERE state < 'active' AND start_after <= now() GROUP BY 1`,
      ),
    ]);
    return { depth, oldest };
  } catch {
    // The queue's schema does not exist until a process has started pg-boss once.
    return { depth: [], oldest: [] };
  }
}

export async function collectDbMetrics(): Promise<DbMetrics> {
  const q = db();
  const [started, finished, runFailures, stepFailures, active, stepDuration, pickup, deliveries, attempts, queue] = await Promise.all([
    q.$queryRawUnsafe<Row[]>(`SELECT kind::text AS kind, count(*)::int AS value FROM "OperationRun" GROUP BY 1`),
    q.$queryRawUnsafe<Row[]>(
      `SELECT kind::text AS kind, outcome::text AS outcome, count(*)::int AS value FROM "OperationRun" WHERE status = 'completed' GROUP BY 1, 2`,
    ),
    q.$queryRawUnsafe<Row[]>(
      `SELECT kind::text AS kind, "reasonCode" AS reason_code, count(*)::int AS value FROM "OperationRun"
       WHERE status = 'completed' AND outcome IN ('failed', 'blocked') GROUP BY 1, 2`,
    ),
    q.$queryRawUnsafe<Row[]>(
      `SELECT r.kind::text AS kind, s.key AS step, s."errorCode" AS code, count(*)::int AS value
       FROM "OperationRunStep" s JOIN "OperationRun" r ON r.id = s."runId" WHERE s.status = 'failed' GROUP BY 1, 2, 3`,
    ),
    q.$queryRawUnsafe<Row[]>(
      `SELECT kind::text AS kind, status::text AS status, coalesce(health::text, 'healthy') AS health, count(*)::int AS value
       FROM "OperationRun" WHERE status IN ('queued', 'running') GROUP BY 1, 2, 3`,
    ),
    q.$queryRawUnsafe<Row[]>(STEP_DURATION_SQL),
    q.$queryRawUnsafe<Row[]>(PICKUP_SQL),
    q.$queryRawUnsafe<Row[]>(`SELECT status::text AS status, count(*)::int AS value FROM "WebhookDelivery" GROUP BY 1`),
    q.$queryRawUnsafe<Row[]>(WEBHOOK_ATTEMPTS_SQL),
    queueRows(),
  ]);
  const activeRows = counts(active, ["kind", "status", "health"]);
  const stalled = new Map<string, number>();
  for (const r of activeRows) if (r.labels.health === "stalled") stalled.set(r.labels.kind, (stalled.get(r.labels.kind) ?? 0) + r.value);
  return {
    runsStarted: counts(started, ["kind"]),
    runsFinished: counts(finished, ["kind", "outcome"]),
    runFailures: counts(runFailures, ["kind", "reason_code"]),
    stepFailures: counts(stepFailures, ["kind", "step", "code"]),
    runsActive: activeRows,
    runsStalled: [...stalled].map(([kind, value]) => ({ labels: { kind }, value })),
    stepDuration: histograms(stepDuration, ["kind", "provider", "step", "outcome"]),
    runPickup: histograms(pickup, ["kind"]),
    queueDepth: counts(queue.depth, ["queue", "state"]),
    queueOldestReady: counts(queue.oldest, ["queue"]),
    webhookDeliveries: counts(deliveries, ["status"]),
    webhookAttempts: histograms(attempts, ["status"]),
  };
}
