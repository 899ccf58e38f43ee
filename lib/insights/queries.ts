import "server-only";
// The Insights queries, one SQL statement each, over one workspace and a window of days. Each
// starts from an index range — OnboardingSession(workspaceId, createdAt) or
// OperationRun(workspaceId, createdAt) — so its cost follows the window's rows, not the table's
// (measured on 100,000 sessions: scripts/bench/phases/insights.ts).
import { db, type Tx } from "@/lib/db/client";
import { CHECKPOINTS, PIPELINE_STEP_KEYS } from "@/lib/onboarding/constants";

export interface Window {
  workspaceId: string;
  since: Date;
}

export interface FunnelRow {
  checkpoint: (typeof CHECKPOINTS)[number] | "activated";
  /** Onboardings (created in the window) that reached this checkpoint or a later one. */
  reached: number;
}

export interface DurationRow {
  key: string;
  medianSeconds: number;
  p90Seconds: number;
  samples: number;
}

export interface ReasonRow {
  reasonCode: string;
  runs: number;
  onboardings: number;
}

export interface DayRow {
  day: string;
  succeeded: number;
  failed: number;
  blocked: number;
  cancelled: number;
  active: number;
}

type Num = number | bigint | string | null;
const n = (v: Num) => (v === null ? 0 : Number(v));

export async function funnel({ workspaceId, since }: Window): Promise<FunnelRow[]> {
  const [row] = await db().$queryRaw<Record<string, Num>[]>`
    SELECT count(*) AS identify,
           count(*) FILTER (WHERE "currentCheckpoint" >= 'connect') AS connect,
           count(*) FILTER (WHERE "currentCheckpoint" >= 'verify_access') AS verify_access,
           count(*) FILTER (WHERE "currentCheckpoint" >= 'bootstrap') AS bootstrap,
           count(*) FILTER (WHERE "currentCheckpoint" >= 'activate') AS activate,
           count(*) FILTER (WHERE "lifecycleState" = 'active') AS activated
    FROM "OnboardingSession" WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${since}`;
  return [...CHECKPOINTS, "activated" as const].map((checkpoint) => ({
    checkpoint,
    reached: n(row?.[checkpoint] ?? 0),
  }));
}

/** Median and p90 of each bootstrap step that succeeded (first start to finish, retries included). */
export async function stepDurations({ workspaceId, since }: Window): Promise<DurationRow[]> {
  const rows = await withSortMemory(
    (tx) => tx.$queryRaw<PercentileRow[]>`
    SELECT s.key, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', s."finishedAt" - s."startedAt")) AS p, count(*) AS samples
    FROM "OperationRun" r JOIN "OperationRunStep" s ON s."runId" = r.id
    WHERE r."workspaceId" = ${workspaceId} AND r."createdAt" >= ${since} AND r.kind = 'bootstrap'
      AND s.status = 'succeeded' AND s."startedAt" IS NOT NULL AND s."finishedAt" IS NOT NULL
    GROUP BY s.key`,
  );
  return inOrder(rows, PIPELINE_STEP_KEYS);
}

export const CHECKPOINT_SPANS = ["identify_connect", "verify_access", "bootstrap", "activate"] as const;

/**
 * Time spent at each checkpoint: Identify & Connect = onboarding created → first Verify Access
 * requested; Verify Access and Bootstrap = their run requested → succeeded (queueing, retries and
 * resumes included); Activate = bootstrap completed → activated.
 */
export async function checkpointDurations({ workspaceId, since }: Window): Promise<DurationRow[]> {
  const rows = await withSortMemory(
    (tx) => tx.$queryRaw<PercentileRow[]>`
    WITH runs AS (
      SELECT "sessionId", kind, outcome, "createdAt", "finishedAt" FROM "OperationRun"
      WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${since}
    ), sessions AS (
      SELECT id, "createdAt", "completedAt", "activatedAt" FROM "OnboardingSession"
      WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${since}
    ), d AS (
      SELECT 'identify_connect' AS key, date_part('epoch', v.first - s."createdAt") AS secs
      FROM sessions s JOIN (SELECT "sessionId", min("createdAt") AS first FROM runs WHERE kind = 'verify_access' GROUP BY 1) v ON v."sessionId" = s.id
      UNION ALL
      SELECT kind::text, date_part('epoch', "finishedAt" - "createdAt") FROM runs
      WHERE kind IN ('verify_access', 'bootstrap') AND outcome = 'succeeded' AND "finishedAt" IS NOT NULL
      UNION ALL
      SELECT 'activate', date_part('epoch', "activatedAt" - "completedAt") FROM sessions
      WHERE "activatedAt" IS NOT NULL AND "completedAt" IS NOT NULL
    )
    SELECT key, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY secs) AS p, count(*) AS samples
    FROM d GROUP BY key`,
  );
  return inOrder(rows, CHECKPOINT_SPANS);
}

/** The reason codes runs failed (or were blocked) with most often, with how many onboardings. */
export async function topReasonCodes({ workspaceId, since }: Window, limit = 10): Promise<ReasonRow[]> {
  const rows = await db().$queryRaw<{ code: string; runs: Num; sessions: Num }[]>`
    SELECT "reasonCode" AS code, count(*) AS runs, count(DISTINCT "sessionId") AS sessions
    FROM "OperationRun"
    WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${since} AND outcome IN ('failed', 'blocked') AND "reasonCode" IS NOT NULL
    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${limit}`;
  return rows.map((r) => ({ reasonCode: r.code, runs: n(r.runs), onboardings: n(r.sessions) }));
}

/** Runs requested per UTC day by outcome (`active` = not finished yet), every day of the window. */
export async function runsPerDay({ workspaceId, since }: Window, now = new Date()): Promise<DayRow[]> {
  // Timestamps are stored in UTC without a zone: the text of their date is the UTC day.
  const rows = await db().$queryRaw<{ day: string; outcome: string | null; runs: Num }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, outcome, runs FROM (
      SELECT date_trunc('day', "createdAt") AS day, outcome::text AS outcome, count(*) AS runs
      FROM "OperationRun" WHERE "workspaceId" = ${workspaceId} AND "createdAt" >= ${since}
      GROUP BY 1, 2) d`;
  const days = new Map<string, DayRow>();
  for (
    let t = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
    t <= now.getTime();
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, succeeded: 0, failed: 0, blocked: 0, cancelled: 0, active: 0 });
  }
  for (const r of rows) {
    const day = days.get(r.day);
    if (!day) continue;
    const key = (r.outcome ?? "active") as keyof Omit<DayRow, "day">;
    if (key in day) day[key] += n(r.runs);
  }
  return [...days.values()];
}

/**
 * Percentiles sort the window's durations (up to a few hundred thousand over 90 days): give that
 * one statement enough memory to sort in RAM rather than spill to disk (3× slower, measured).
 */
function withSortMemory<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL work_mem = '32MB'");
    return fn(tx);
  });
}

/** One sort per group gives both percentiles. */
type PercentileRow = { key: string; p: number[] | null; samples: Num };

function inOrder(rows: PercentileRow[], order: readonly string[]): DurationRow[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return order.map((key) => {
    const r = byKey.get(key);
    return {
      key,
      medianSeconds: Number(r?.p?.[0] ?? 0),
      p90Seconds: Number(r?.p?.[1] ?? 0),
      samples: r ? n(r.samples) : 0,
    };
  });
}
