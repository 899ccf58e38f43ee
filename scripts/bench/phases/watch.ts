// Measurement 2b: 1,000 operators watching active runs, real 5 s cadence, open loop, each with
// its own session cookie and its own onboarding whose run is running and writing log lines
// (each run a new line every ~20 s on average, written straight to the database as a worker
// would). Side by side in the same run:
// - before: what the wizard polled per tick until issue 15 — the session, the runs list and
//   the run's detail with `logAfter`, three unconditional GETs (the browser sent no
//   If-None-Match: requests are `cache: "no-store"`);
// - after: one GET /onboarding/:id/watch?logAfter=<cursor> with If-None-Match, following the
//   ETag and cursor of each answer like the browser does.
import { randomBytes } from "node:crypto";
import { DbCpuSampler } from "../lib/db-stats";
import { mapLimit, openLoop, send, type OpenLoopResult, type RequestSpec } from "../lib/load";
import { treeCpuMs } from "../lib/proc";
import type { Ctx, WatchMode } from "../context";
import { frameworkPath } from "./api";

export interface WatchRun {
  round: number;
  mode: WatchMode;
  operators: number;
  result: OpenLoopResult;
  /** Share of answers that were 304. */
  notModifiedShare: number;
  serverCpuPct: number;
  dbCpuPct: number;
  /** Bytes of response bodies per operator per tick. */
  bytesPerTick: number;
}

const STEPS = ["check_repo_access", "check_template", "check_infra"];
/** Each active run writes a log line every ~LINE_EVERY_MS on average. */
const LINE_EVERY_MS = 20_000;

interface Watcher {
  cookie: string;
  sessionId: string;
  runId: string;
  etag: string | null;
  cursor: string | null;
  lastLine: bigint;
}

async function seedRuns(ctx: Ctx, n: number): Promise<Watcher[]> {
  const prisma = ctx.a.prisma;
  const ops = ctx.operators.slice(0, n);
  const workspaceId = (await prisma.workspace.findUniqueOrThrow({ where: { slug: "bench" } })).id;
  const runs = ops.map((op) => ({ id: `bw${randomBytes(10).toString("hex")}`, op }));
  const now = new Date();
  await prisma.operationRun.createMany({
    data: runs.map(({ id, op }) => ({
      id,
      workspaceId,
      sessionId: op.sessionId,
      kind: "verify_access" as const,
      status: "running" as const,
      startedAt: now,
      initiatorId: op.userId,
      leaseOwner: "bench-worker",
      heartbeatAt: now,
      health: "healthy" as const,
    })),
  });
  await prisma.operationRunStep.createMany({
    data: runs.flatMap(({ id }) =>
      STEPS.map((key, position) => ({
        runId: id,
        key,
        label: key,
        position,
        status: position === 0 ? ("running" as const) : ("pending" as const),
        attempts: position === 0 ? 1 : 0,
        startedAt: position === 0 ? now : null,
      })),
    ),
  });
  await prisma.operationRunLog.createMany({
    data: runs.flatMap(({ id }) =>
      [1, 2, 3].map((i) => ({ runId: id, level: "info", message: `Checking (${i})`, stepKey: STEPS[0] })),
    ),
  });
  const last = await prisma.operationRunLog.groupBy({
    by: ["runId"],
    where: { runId: { in: runs.map((r) => r.id) } },
    _max: { id: true },
  });
  const lastOf = new Map(last.map((l) => [l.runId, l._max.id ?? 0n]));
  return runs.map(({ id, op }) => ({
    cookie: op.cookie,
    sessionId: op.sessionId,
    runId: id,
    etag: null,
    cursor: null,
    lastLine: lastOf.get(id) ?? 0n,
  }));
}

/**
 * Writes log lines into random runs while the load runs (≈ n / 20 lines per second), and keeps
 * every run's lease alive (heartbeatAt, once a second in one statement) so that none turns
 * stalled: a worker renews it far more often, and a heartbeat alone changes no watch answer.
 */
function progress(ctx: Ctx, watchers: Watcher[], seed: number): { stop: () => Promise<number> } {
  let x = seed;
  const rand = () => (x = (x * 48_271) % 2_147_483_647) / 2_147_483_647;
  let written = 0;
  let stopped = false;
  const perSecond = Math.max(1, Math.round((watchers.length * 1000) / LINE_EVERY_MS));
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now();
      const batch = Array.from({ length: perSecond }, () => watchers[Math.floor(rand() * watchers.length)]);
      await ctx.a.prisma.operationRunLog.createMany({
        data: batch.map((w) => ({ runId: w.runId, level: "info", message: "Still checking…", stepKey: STEPS[0] })),
      });
      await ctx.a.prisma.operationRun.updateMany({
        where: { id: { in: watchers.map((w) => w.runId) } },
        data: { heartbeatAt: new Date() },
      });
      written += batch.length;
      await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - t0))));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return written;
    },
  };
}

/** A tab's watch request: conditional on its ETag, the log after its cursor. */
function watchRequest(w: Watcher): RequestSpec {
  const q = w.cursor ? `?logAfter=${encodeURIComponent(w.cursor)}` : "";
  return {
    path: `/api/v1/onboarding/${w.sessionId}/watch${q}`,
    headers: { cookie: w.cookie, ...(w.etag ? { "if-none-match": w.etag } : {}) },
  };
}

/** What a tab keeps from a 200 watch answer: its ETag and the log's cursor. */
function follow(w: Watcher, etag: unknown, body: Buffer): void {
  w.etag = String(etag);
  w.cursor = (JSON.parse(body.toString("utf8")) as { log: { cursor: string | null } | null }).log?.cursor ?? w.cursor;
}

/** One watch per tab (conditional once it has an ETag), following the answer (as a tab does). */
async function catchUp(port: number, watchers: Watcher[]): Promise<void> {
  await mapLimit(watchers, 32, async (w) => {
    const res = await send(port, watchRequest(w));
    if (res.status === 304) return;
    if (res.status !== 200) throw new Error(`watch answered ${res.status}: ${res.body.toString("utf8").slice(0, 200)}`);
    follow(w, res.headers.etag, res.body);
  });
}

export async function measureWatch(ctx: Ctx): Promise<void> {
  const web = ctx.webA!;
  const s = ctx.settings;
  const n = Math.min(1_000, ctx.operators.length);
  const watchers = await seedRuns(ctx, n);
  // Each tab's first watch (unconditional: no ETag yet), as the browser makes it when the run starts.
  await catchUp(web.port, watchers);
  ctx.log(`watch: ${n} operators with a running verification each, first watch fetched`);

  for (let round = 1; round <= s.rounds; round++) {
    // The runs progressing with nobody watching: the simulated workers' writes (log lines, a
    // heartbeat per run per second) cost PostgreSQL and are in both modes; watching is the rest.
    {
      const writer = progress(ctx, watchers, round * 31);
      const dbCpu = new DbCpuSampler(ctx.admin, [ctx.a.name]);
      await dbCpu.start();
      const cpu0 = treeCpuMs(web.pid);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, s.pollWindowMs));
      const elapsed = Date.now() - t0;
      const baseline = {
        serverCpuPct: ((treeCpuMs(web.pid) - cpu0) / elapsed) * 100,
        dbCpuPct: ((await dbCpu.stop()) / elapsed) * 100,
      };
      await writer.stop();
      ctx.results.watchBaseline.push(baseline);
      ctx.log(
        `watch r${round} nobody watching: app ${baseline.serverCpuPct.toFixed(0)}% CPU, db ${baseline.dbCpuPct.toFixed(0)}%`,
      );
    }
    const modes = round % 2 ? s.watchModes : [...s.watchModes].reverse();
    for (const mode of modes) {
      // Let the previous configuration's backlog drain (the old polling saturates the app).
      await new Promise((r) => setTimeout(r, 5_000));
      // A tab that watches all along is current when a window starts; the bench's tabs were not
      // watching during the phases before this one (≈ 30 s, in which most runs wrote a line),
      // so each catches up once first. Without it a 10 s window's first tick is mostly 200s.
      if (mode === "after") await catchUp(web.port, watchers);
      const writer = progress(ctx, watchers, round * 31 + { after: 1, before: 2, floor: 3 }[mode]);
      let bytes = 0;
      // before: three clients per operator (session, runs, run detail), each every 5 s.
      const clients = mode === "before" ? n * 3 : n;
      const spec = (i: number): RequestSpec => {
        if (mode === "after") return watchRequest(watchers[i]);
        // floor: the framework's own cost at this rate — a route handler of the same build
        // answering 304 to the tab's If-None-Match, reading nothing (app/api/bench-floor).
        if (mode === "floor")
          return {
            path: frameworkPath(ctx),
            headers: { cookie: watchers[i].cookie, "if-none-match": ctx.target.etag },
          };
        const w = watchers[Math.floor(i / 3)];
        const path = [
          `/api/v1/onboarding/${w.sessionId}`,
          `/api/v1/onboarding/${w.sessionId}/runs`,
          `/api/v1/operation-runs/${w.runId}?logAfter=${w.lastLine}`,
        ][i % 3];
        return { path, headers: { cookie: w.cookie } };
      };
      const dbCpu = new DbCpuSampler(ctx.admin, [ctx.a.name]);
      await dbCpu.start();
      const cpu0 = treeCpuMs(web.pid);
      const t0 = Date.now();
      const result = await openLoop({
        port: web.port,
        clients,
        periodMs: s.pollPeriodMs,
        windowMs: s.pollWindowMs,
        expect: mode === "floor" ? 304 : [200, 304],
        seed: round * 1_000_003 + clients,
        spec,
        onReply: (i, status, headers, body) => {
          bytes += body.length;
          if (mode === "after" && status === 200) follow(watchers[i], headers.etag, body);
        },
      });
      const elapsed = Date.now() - t0;
      const serverCpuMs = treeCpuMs(web.pid) - cpu0;
      const dbCpuMs = await dbCpu.stop();
      const lines = await writer.stop();
      const ticks = (n * elapsed) / s.pollPeriodMs;
      const run: WatchRun = {
        round,
        mode,
        operators: n,
        result,
        notModifiedShare: (result.statuses["304"] ?? 0) / Math.max(1, result.requests),
        serverCpuPct: (serverCpuMs / elapsed) * 100,
        dbCpuPct: (dbCpuMs / elapsed) * 100,
        bytesPerTick: bytes / Math.max(1, ticks),
      };
      ctx.results.watch.push(run);
      ctx.log(
        `watch r${round} ${mode}: ${result.rps.toFixed(0)} req/s, 304 ${(run.notModifiedShare * 100).toFixed(0)}%, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
          `app ${run.serverCpuPct.toFixed(0)}% CPU, db ${run.dbCpuPct.toFixed(0)}%, ${lines} log lines written, skipped ${result.skipped}` +
          (result.errors ? `, ${result.errors} errors ${JSON.stringify(result.statuses)}` : ""),
      );
      if (result.errors)
        ctx.results.failures.push(
          `watch r${round} ${mode}: ${result.errors} unexpected answers ${JSON.stringify(result.statuses)}`,
        );
    }
  }
}
