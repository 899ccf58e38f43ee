// Insights and metrics at scale, in-process against a scratch database: 100,000 seeded
// onboardings (scripts/bench/lib/seed-insights.ts) plus 1,000 running bootstraps. Times each
// Insights query per window (7/30/90 days), the dashboard list filtered by a reason code (the
// Insights page's link), and a full /api/metrics scrape. Medians of BENCH_INSIGHTS_REPEATS runs
// after one warm-up. Standalone: `npx tsx --conditions=react-server scripts/bench/phases/insights.ts`.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createScratchDatabase, dropDatabase, ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db/client";
import { checkpointDurations, funnel, runsPerDay, stepDurations, topReasonCodes } from "@/lib/insights/queries";
import { listOnboardings } from "@/lib/onboarding/queries";
import { renderMetrics } from "@/lib/observability/metrics";
import { resetSealedMetrics } from "@/lib/observability/db-metrics";
import { median } from "../lib/stats";
import { seedInsights } from "../lib/seed-insights";

export interface InsightsBench {
  sessions: number;
  activeRuns: number;
  rows: { sessions: number; runs: number; steps: number };
  seedSeconds: number;
  repeats: number;
  /** query → window (days) → median ms. */
  queries: Record<string, Record<number, number>>;
  reasonFilterMs: number;
  /** A process's first scrape: seals the whole finished history once (lib/observability/db-metrics.ts). */
  firstScrapeMs: number;
  scrapeMs: number;
  scrapeBytes: number;
  scrapeSeries: number;
}

async function timed(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: plans, connections
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function measureInsights(opts: {
  url: string;
  log: (m: string) => void;
  sessions?: number;
  activeRuns?: number;
}): Promise<InsightsBench> {
  const sessions = opts.sessions ?? Number(process.env.BENCH_INSIGHTS_SESSIONS || 100_000);
  const activeRuns = opts.activeRuns ?? 1_000;
  const repeats = Number(process.env.BENCH_INSIGHTS_REPEATS || 7);
  const client = new pg.Client({ connectionString: opts.url, application_name: "onramp-bench-insights" });
  await client.connect();
  try {
    const t0 = performance.now();
    const { workspaceId } = await seedInsights(client, { sessions, activeRuns });
    const seedSeconds = (performance.now() - t0) / 1000;
    const count = async (table: string) =>
      Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    const rows = {
      sessions: await count("OnboardingSession"),
      runs: await count("OperationRun"),
      steps: await count("OperationRunStep"),
    };
    opts.log(
      `insights: seeded ${rows.sessions} onboardings, ${rows.runs} runs, ${rows.steps} steps in ${seedSeconds.toFixed(0)} s`,
    );

    process.env.DATABASE_URL = opts.url;
    const queries: InsightsBench["queries"] = {};
    const fns = { funnel, stepDurations, checkpointDurations, topReasonCodes, runsPerDay } as const;
    for (const [name, fn] of Object.entries(fns)) {
      queries[name] = {};
      for (const days of [7, 30, 90]) {
        const since = new Date(Date.now() - days * 86_400_000);
        queries[name][days] = await timed(repeats, () => fn({ workspaceId, since }));
      }
      opts.log(`insights: ${name} ${[7, 30, 90].map((d) => `${d} d ${queries[name][d].toFixed(1)} ms`).join(", ")}`);
    }
    const reasonFilterMs = await timed(repeats, () =>
      listOnboardings(workspaceId, { reasonCode: "step_failed:provision_infra", limit: 20 } as Parameters<
        typeof listOnboardings
      >[1]),
    );
    resetSealedMetrics();
    const first = performance.now();
    await renderMetrics();
    const firstScrapeMs = performance.now() - first;
    let body = "";
    const scrapeMs = await timed(repeats, async () => (body = (await renderMetrics()).body));
    const scrapeSeries = body.split("\n").filter((l) => l && !l.startsWith("#")).length;
    opts.log(
      `insights: reason-code list ${reasonFilterMs.toFixed(1)} ms; /api/metrics first scrape ${firstScrapeMs.toFixed(0)} ms, then ${scrapeMs.toFixed(1)} ms (${scrapeSeries} series)`,
    );
    return {
      sessions,
      activeRuns,
      rows,
      seedSeconds,
      repeats,
      queries,
      reasonFilterMs,
      firstScrapeMs,
      scrapeMs,
      scrapeBytes: body.length,
      scrapeSeries,
    };
  } finally {
    await client.end();
    await disconnectDb();
  }
}

async function standalone() {
  const server = await ensureDatabase({ dataDir: path.join(process.cwd(), ".data", "pg"), stopOnExit: false });
  const name = `onramp_bench_${process.pid}_insights`;
  const url = await createScratchDatabase(server.url, name);
  try {
    await applyMigrations(url, { log: () => undefined });
    const result = await measureInsights({ url, log: (m) => console.log(m) });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await dropDatabase(server.url, name).catch(() => undefined);
    await server.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  standalone().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
