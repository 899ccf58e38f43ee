// Over 400 lines on purpose: the bench's one driver (settings, processes, phases in order, results); each phase lives in phases/.
// `npm run bench`: performance measurements of Onramp, written to BENCHMARKS.md.
//
// Everything runs on this machine against 127.0.0.1: the production build (`next start` from its
// own ONRAMP_DIST_DIR), scratch databases on the embedded PostgreSQL, worker processes, and a
// bare node:http server as the HTTP floor. Every measurement is taken next to its baseline in
// the same run, repeated over rounds, and reported as medians and ratios — nothing asserts a
// time. The only assertion is a correctness one (exactly one winner among concurrent writes).
//
// Environment: BENCH_QUICK=1 (a short smoke run), BENCH_ROUNDS, BENCH_SKIP_BUILD=1 (reuse the
// existing build), BENCH_PIPELINE_ONBOARDINGS, BENCH_PIPELINE_BATCH_SECONDS, BENCH_PIPELINE_INFLIGHT_PER_SLOT, BENCH_PICKUP_RUNS,
// BENCH_WORKER_CONCURRENCY, BENCH_ONLY (census,api,polling,watch,contention,pickup,pipeline,insights), BENCH_INSIGHTS_SESSIONS (100000),
// BENCH_PROFILE=1 (CPU profile of the app), BENCH_WATCH_MODES (before,after,floor), BENCH_KEEP_LOGS=1, BENCH_WAIT_FOR_QUIET=<s>, ONRAMP_DIST_DIR (default
// node_modules/.cache/onramp-bench-next), BENCH_OUTPUT (default BENCHMARKS.md).
//
// Over 400 lines on purpose: it is the bench's table of contents — phase order, budgets and the
// shared context; the measurements themselves live in scripts/bench/phases/.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { encode } from "next-auth/jwt";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import {
  createScratchDatabase,
  dropDatabase,
  ensureDatabase,
  withDatabase,
  type DatabaseHandle,
} from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { isProcessAlive } from "@/lib/db/lock-file";
import { disconnectDb } from "@/lib/db/client";
import { createToken } from "@/lib/admin/admin-ops";
import { deriveLifecycle } from "@/lib/onboarding/lifecycle";
import { initialSteps } from "@/lib/onboarding/constants";
import { buildIfNeeded } from "./lib/build";
import { machineCpuMs, machineInfo, memoryOf, processTree, RssSampler, treeCpuMsWithEnded } from "./lib/proc";
import { DbCpuSampler } from "./lib/db-stats";
import { median } from "./lib/stats";
import { sendJson } from "./lib/load";
import { startWeb, startWorkerProcess, stopAll } from "./lib/processes";
import { renderResults, writeReport } from "./lib/report";
import { newestProfile, summariseProfile } from "./lib/profile";
import { settingsFromEnv, type BenchDb, type Ctx, type PhaseLoad, type Results } from "./context";
import { runCensus } from "./phases/census";
import { measureApi, startBareServer } from "./phases/api";
import { measurePolling } from "./phases/polling";
import { measureWatch } from "./phases/watch";
import { measureContention } from "./phases/contention";
import { measurePickup, measurePipeline } from "./phases/runs";
import { measureInsights } from "./phases/insights";
import { measureTakeover } from "./phases/takeover";

const root = process.cwd();
const started = Date.now();
const log = (message: string) =>
  console.log(`[bench +${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);

function git(args: string[]): string {
  const res = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return res.status === 0 ? res.stdout.trim() : "";
}

/** Scratch databases left by a bench that was killed: named after its pid. */
async function dropStaleBenchDatabases(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'onramp_bench_%'",
    );
    for (const { datname } of rows) {
      const pid = Number(/^onramp_bench_(\d+)_/.exec(datname)?.[1]);
      if (pid && pid !== process.pid && !isProcessAlive(pid)) {
        await dropDatabase(serverUrl, datname);
        log(`dropped ${datname}, left by an interrupted bench (pid ${pid})`);
      }
    }
  } finally {
    await client.end();
  }
}

async function openDb(serverUrl: string, name: string): Promise<BenchDb> {
  const url = await createScratchDatabase(serverUrl, name);
  await applyMigrations(url, { log: () => undefined });
  const stats = new pg.Client({ connectionString: url, application_name: "onramp-bench-stats" });
  await stats.connect();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
  return { name, url, prisma, stats };
}

/** A token for the bench's owner, created with the admin operations (they use db()). */
async function ownerToken(url: string): Promise<string> {
  process.env.DATABASE_URL = url;
  const { token } = await createToken({
    email: "bench-owner@bench.local",
    workspace: "bench",
    role: "owner",
    name: "bench",
  });
  await disconnectDb();
  return token;
}

/** N operators (users with a membership and a session cookie), each with an onboarding being verified. */
async function seedOperators(ctx: Ctx, n: number): Promise<void> {
  const prisma = ctx.a.prisma;
  const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: "bench" } });
  const emails = Array.from({ length: n }, (_, i) => `operator-${String(i).padStart(5, "0")}@bench.local`);
  await prisma.user.createMany({ data: emails.map((email, i) => ({ email, name: `Operator ${i}` })) });
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, orderBy: { email: "asc" } });
  await prisma.membership.createMany({
    data: users.map((u) => ({ workspaceId: workspace.id, userId: u.id, role: "operator" as const })),
  });
  const draft = { connectConfirmed: true };
  const derived = deriveLifecycle(
    {
      slug: "x",
      connectionId: null,
      stackTemplateId: null,
      draft,
      status: "pending",
      steps: initialSteps(),
      provisionJobId: null,
      currentCheckpoint: "identify",
      cancelledAt: null,
      activatedAt: null,
    },
    { verify: { kind: "verify_access", status: "running", outcome: null, reasonCode: null, report: null, steps: [] } },
  );
  await prisma.onboardingSession.createMany({
    data: users.map((u, i) => ({
      workspaceId: workspace.id,
      platformName: `Operator ${i} platform`,
      slug: `op-platform-${i}`,
      activeSlug: `op-platform-${i}`,
      tier: "starter" as const,
      userId: u.id,
      draft,
      ...derived,
      steps: derived.steps as unknown as Prisma.InputJsonValue,
      updatedById: u.id,
    })),
  });
  const sessions = await prisma.onboardingSession.findMany({
    where: { workspaceId: workspace.id, slug: { startsWith: "op-platform-" } },
    select: { id: true, userId: true, version: true },
  });
  const byUser = new Map(sessions.map((s) => [s.userId, s]));
  for (const u of users) {
    const s = byUser.get(u.id)!;
    const jwt = await encode({ token: { sub: u.id, email: u.email }, secret: ctx.secrets.NEXTAUTH_SECRET });
    ctx.operators.push({
      userId: u.id,
      email: u.email,
      cookie: `next-auth.session-token=${jwt}`,
      sessionId: s.id,
      etag: `"${s.version}-operator"`,
    }); // the ETag carries the role (lib/onboarding/serialize.ts etagFor)
  }
}

/** BENCH_ONLY=census,api,polling,watch,contention,pickup,pipeline,insights,takeover runs a subset (for a quick before/after). */
const only = new Set(
  (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);
const wanted = (key: string) => only.size === 0 || only.has(key);

/** Whether the bench's PostgreSQL server runs as a descendant of this process (it started it). */
async function databaseInTree(ctx: Ctx): Promise<boolean> {
  const { rows } = await ctx.admin.query<{ pid: number }>("select pg_backend_pid() as pid");
  return processTree(process.pid).includes(rows[0].pid);
}

/** The Insights phase's scratch database, beside database a (`<tag>_a` → `<tag>_insights`). */
const insightsDatabase = (aName: string) => aName.replace(/_a$/, "_insights");

async function phase(ctx: Ctx, key: string, name: string, fn: () => Promise<void>): Promise<void> {
  if (!wanted(key)) return;
  await waitForQuiet(name, 3, ctx.results);
  const t0 = Date.now();
  log(`── ${name}`);
  // Interference: CPU the machine spent during the phase that was neither the bench's
  // processes (this one and its children) nor the PostgreSQL backends of its databases.
  const machine0 = machineCpuMs();
  const own0 = treeCpuMsWithEnded(process.pid);
  // An embedded PostgreSQL the bench started is in its process tree already (its backends that
  // ended too, through the postmaster): the databases' backends are sampled only when it is not.
  const dbCpu = (await databaseInTree(ctx))
    ? null
    : new DbCpuSampler(ctx.admin, [ctx.a.name, ctx.b.name, insightsDatabase(ctx.a.name)], 1_000);
  await dbCpu?.start();
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]), 1_000);
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    ctx.results.failures.push(`${name} did not complete: ${message.split("\n").slice(0, 3).join(" ")}`);
    log(`${name} FAILED: ${message}`);
  } finally {
    clearInterval(loadTimer);
  }
  const machine1 = machineCpuMs();
  const total = machine1.total - machine0.total;
  const busyPct = ((machine1.busy - machine0.busy) / total) * 100;
  const benchPct = ((treeCpuMsWithEnded(process.pid) - own0 + ((await dbCpu?.stop()) ?? 0)) / total) * 100;
  const load: PhaseLoad = {
    name,
    seconds: (Date.now() - t0) / 1000,
    machineBusyPct: busyPct,
    benchPct,
    otherPct: Math.max(0, busyPct - benchPct),
    loadAvg1: median(loads.length ? loads : [os.loadavg()[0]]),
  };
  ctx.results.phases.push(load);
  log(
    `── ${name} took ${load.seconds.toFixed(0)} s; machine ${busyPct.toFixed(0)}% busy, of which other processes ${load.otherPct.toFixed(0)}% (load average ${load.loadAvg1.toFixed(1)})`,
  );
}

/**
 * BENCH_WAIT_FOR_QUIET=<seconds>: a budget of waiting, shared by the whole run. Before it starts
 * measuring and before each phase, the bench waits (while budget remains) until the machine has
 * been less than a quarter busy for a few seconds in a row — on a shared machine, other people's
 * test runs otherwise land in the middle of a measurement.
 */
let quietBudgetMs = Math.max(0, Number(process.env.BENCH_WAIT_FOR_QUIET ?? 0) * 1000);

async function waitForQuiet(label: string, seconds: number, results: Results): Promise<void> {
  if (quietBudgetMs <= 0) return;
  const started = Date.now();
  let quiet = 0;
  let last = NaN;
  while (quiet < seconds && Date.now() - started < quietBudgetMs) {
    const m0 = machineCpuMs();
    await new Promise((r) => setTimeout(r, 1_000));
    const m1 = machineCpuMs();
    last = ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100;
    quiet = last < 25 ? quiet + 1 : 0;
  }
  const waited = Date.now() - started;
  quietBudgetMs -= waited;
  if (quiet >= seconds) {
    if (waited > seconds * 1000 + 1_500)
      log(`waited ${(waited / 1000).toFixed(0)} s for a quiet machine before ${label}`);
  } else {
    log(
      `the machine is still busy (${last.toFixed(0)}%) before ${label}; the waiting budget is spent, measuring anyway`,
    );
    results.notes.push(
      `BENCH_WAIT_FOR_QUIET: the machine was still ${last.toFixed(0)}% busy before ${label} when the waiting budget ran out.`,
    );
  }
}

async function main(): Promise<number> {
  const settings = settingsFromEnv();
  const output = path.resolve(root, process.env.BENCH_OUTPUT ?? "BENCHMARKS.md");
  const envShown = Object.entries(process.env)
    .filter(([k]) => k.startsWith("BENCH_") || k === "ONRAMP_DIST_DIR")
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  const results: Results = {
    machine: machineInfo(),
    command: `${envShown}npm run bench   # tsx --conditions=react-server scripts/bench/run.ts`,
    startedAt: started,
    build: { distDir: "", built: false, seconds: 0, configHonoursDistDir: false },
    settings,
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    dirty: git(["status", "--porcelain"])
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3)),
    replayIdentical: false,
    targetBytes: 0,
    census: [],
    micro: [],
    api: [],
    apiOpen: [],
    watch: [],
    watchBaseline: [],
    idle: { serverCpuPct: NaN, dbCpuPct: NaN },
    polling: [],
    pollCounters: null,
    contention: [],
    pickup: [],
    pipeline: [],
    takeover: [],
    memory: {},
    profile: null,
    insights: null,
    notes: [],
    failures: [],
    phases: [],
    totalSeconds: 0,
  };
  log(
    `machine: ${results.machine.nproc} × ${results.machine.cpuModel}, ${results.machine.memTotal}, Node ${results.machine.node}`,
  );

  results.build = buildIfNeeded(root, log);
  const logDir = mkdtempSync(path.join(os.tmpdir(), "onramp-bench-"));
  log(`process logs in ${logDir} (kept only if something fails)`);
  if (results.build.built) log(`built in ${results.build.seconds.toFixed(0)} s`);
  await waitForQuiet("the first measurement", 5, results);

  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ONRAMP_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  };
  Object.assign(process.env, secrets, { RATE_LIMIT_WRITES_PER_MINUTE: "100000" });

  let server: DatabaseHandle | null = null;
  const created: string[] = [];
  let ctx: Ctx | null = null;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await stopAll();
    if (ctx) {
      for (const d of [ctx.a, ctx.b]) {
        await d?.prisma.$disconnect().catch(() => undefined);
        await d?.stats.end().catch(() => undefined);
      }
      await ctx.admin?.end().catch(() => undefined);
    }
    await disconnectDb().catch(() => undefined);
    if (server) {
      for (const name of created)
        await dropDatabase(server.url, name).catch((e) => log(`could not drop ${name}: ${e}`));
      await server.release();
    }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping everything the bench started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    server = await ensureDatabase({ dataDir: path.join(root, ".data", "pg"), stopOnExit: false, log: (m) => log(m) });
    if (!server.embedded)
      results.notes.push(
        "DATABASE_URL was set: the bench used that PostgreSQL server (scratch databases on it), not the embedded one.",
      );
    await dropStaleBenchDatabases(server.url);
    const tag = `onramp_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
    created.push(`${tag}_a`, `${tag}_b`);
    const a = await openDb(server.url, `${tag}_a`);
    const b = await openDb(server.url, `${tag}_b`);
    const admin = new pg.Client({
      connectionString: withDatabase(server.url, "postgres"),
      application_name: "onramp-bench-admin",
    });
    await admin.connect();
    log(`scratch databases ${a.name} and ${b.name} migrated`);
    const tokenB = await ownerToken(b.url);
    const tokenA = await ownerToken(a.url);
    process.env.DATABASE_URL = a.url; // db() of the in-process census reads database A
    ctx = {
      root,
      logDir,
      settings,
      secrets,
      distDir: results.build.distDir,
      admin,
      a,
      b,
      tokenA,
      tokenB,
      webA: null,
      webB: null,
      bare: null,
      barePg: null,
      workers: [],
      target: { id: "", etag: "", bytes: 0 },
      operators: [],
      results,
      log,
    };
    const c = ctx;
    await seedOperators(c, Math.max(...settings.pollLevels));
    log(`seeded ${c.operators.length} operators with session cookies and onboardings in verifying`);

    const APP_A = "app with inline worker (next-server)";
    const APP_B = "app, ONRAMP_INLINE_WORKER=false (next-server)";
    const WORKER = (i: number) => `worker process ${i} (npm run worker)`;
    const rss = new RssSampler(() => ({
      [APP_A]: c.webA?.pid ?? null,
      [APP_B]: c.webB?.pid ?? null,
      [WORKER(1)]: c.workers[0]?.pid ?? null,
      [WORKER(2)]: c.workers[1]?.pid ?? null,
    }));
    const note = (proc: string, state: string, bytes: number) => {
      const m = (results.memory[proc] ??= {});
      m[state] = Math.max(m[state] ?? 0, bytes);
    };
    const peaks = (label: string, p: Record<string, number>) => {
      for (const [proc, v] of Object.entries(p)) note(proc, `peak: ${label}`, v);
    };

    const profileDir = path.join(logDir, "cpu-profile");
    if (settings.profile) mkdirSync(profileDir, { recursive: true });
    // The framework floor (app/api/bench-floor) answers from the replay file startBareServer writes.
    process.env.ONRAMP_BENCH_FLOOR = path.join(logDir, "replay.json");
    c.webA = await startWeb({
      name: "web-inline",
      logDir,
      databaseUrl: a.url,
      distDir: results.build.distDir,
      inlineWorker: true,
      secrets,
      cpuProfileDir: settings.profile ? profileDir : undefined,
    });
    note(APP_A, "at rest, just started", memoryOf(c.webA.pid).rss);
    log(`next start (inline worker) on port ${c.webA.port}, pid ${c.webA.pid}`);
    const createdTarget = await sendJson<{ onboardingId: string; version: number }>(c.webA.port, {
      method: "POST",
      path: "/api/v1/onboarding",
      headers: { authorization: `Bearer ${tokenA}` },
      json: { platformName: "Bench Target", slug: "bench-target", tier: "starter" },
    });
    if (createdTarget.status !== 202)
      throw new Error(
        `POST /api/v1/onboarding answered ${createdTarget.status}: ${JSON.stringify(createdTarget.body)}`,
      );
    c.target.id = createdTarget.body.onboardingId;
    c.target.etag = `"${createdTarget.body.version}-owner"`; // version and role, as GET answers it

    await phase(c, "census", "census: statements per request (in-process)", () => runCensus(c));
    // The floors (and the framework floor's replay file, which the watch phase's floor answers from).
    await phase(c, wanted("api") ? "api" : "watch", "floor: bare node:http server", () => startBareServer(c));
    results.targetBytes = c.target.bytes;

    if (c.bare && wanted("api")) {
      rss.start();
      await phase(c, "api", "1. API throughput and latency", () => measureApi(c));
      peaks("API load", rss.stop());
    }
    if (wanted("polling")) {
      rss.start();
      await phase(c, "polling", "2. cost of polling", () => measurePolling(c));
      peaks("polling", rss.stop());
      note(APP_A, "at rest after the loads", memoryOf(c.webA.pid).rss);
    }
    if (wanted("watch")) {
      rss.start();
      await phase(c, "watch", "2b. 1,000 operators watching active runs", () => measureWatch(c));
      peaks("watching", rss.stop());
    }
    await phase(c, "contention", "4. contention", () => measureContention(c));

    if (wanted("pickup") || wanted("pipeline") || wanted("takeover")) {
      c.webB = await startWeb({
        name: "web-no-inline",
        logDir,
        databaseUrl: b.url,
        distDir: results.build.distDir,
        inlineWorker: false,
        secrets,
      });
      c.workers.push(
        await startWorkerProcess({
          name: "worker-1",
          logDir,
          databaseUrl: b.url,
          concurrency: settings.workerConcurrency,
          secrets,
        }),
      );
      note(APP_B, "at rest, just started", memoryOf(c.webB.pid).rss);
      note(WORKER(1), "at rest, just started", memoryOf(c.workers[0].pid).rss);
      if (wanted("pickup")) {
        rss.start();
        await phase(c, "pickup", "3a. run pickup latency", () => measurePickup(c));
        peaks("pickup", rss.stop());
      }
    }
    await c.bare?.stop();
    await c.barePg?.stop();
    await c.webA?.stop();
    c.webA = null;
    if (settings.profile) {
      const file = newestProfile(profileDir);
      if (file) results.profile = summariseProfile(file);
      else results.notes.push("BENCH_PROFILE=1 but the app wrote no CPU profile.");
    }

    if (c.webB && c.workers.length && wanted("pipeline")) {
      rss.start();
      await phase(c, "pipeline", "3b. pipeline throughput", () => measurePipeline(c));
      peaks("pipeline", rss.stop());
    }
    await phase(c, "insights", "6. Insights queries and /api/metrics at 100,000 onboardings (in-process)", async () => {
      const name = insightsDatabase(a.name);
      const url = await createScratchDatabase(server!.url, name);
      created.push(name);
      await applyMigrations(url, { log: () => undefined });
      results.insights = await measureInsights({ url, log });
      process.env.DATABASE_URL = a.url;
    });
    if (c.webB && wanted("takeover")) {
      await phase(c, "takeover", "7. takeover after kill -9 (old vs current lease settings)", () => measureTakeover(c));
    }
  } catch (err) {
    results.failures.push(`setup failed: ${err instanceof Error ? err.message : String(err)}`);
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    log("stopping servers and workers, dropping the scratch databases…");
    await cleanup();
  }

  results.totalSeconds = (Date.now() - started) / 1000;
  const raw = path.join(os.tmpdir(), "onramp-bench-last-results.json");
  writeFileSync(raw, JSON.stringify(results, null, 2));
  writeReport(output, renderResults(results));
  log(`results written to ${path.relative(root, output)} (raw numbers: ${raw})`);
  if (results.failures.length) {
    log(`${results.failures.length} failure(s); logs kept in ${logDir}`);
    for (const f of results.failures.slice(0, 10)) log(`  - ${f}`);
    return 1;
  }
  // BENCH_KEEP_LOGS=1 keeps the processes' logs (and BENCH_PROFILE's .cpuprofile files) to read.
  if (process.env.BENCH_KEEP_LOGS === "1") log(`logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error("[bench] failed:", err);
    void stopAll().finally(() => process.exit(1));
  },
);
