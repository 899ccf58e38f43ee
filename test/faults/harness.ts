// Over 400 lines on purpose: the fault suite's one toolbox (processes, database, waits, consistency checks) shared by every scenario.
// Shared machinery of the fault suite (test/faults): a scratch database per file, real worker
// processes (`node --import tsx scripts/worker.ts`, so SIGKILL hits the process that runs the
// step) with captured output, bounded waits, a route caller that keeps every response, and the
// invariants every scenario checks at the end.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { createScratchDatabase, dropDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { deriveLifecycle, DERIVED_FIELDS } from "@/lib/onboarding/lifecycle";
import { latestRuns } from "@/lib/onboarding/mutate-session";
import type { Tx } from "@/lib/db/client";
import { getBoss, stopQueue } from "@/lib/queue/queue";
import * as collectionRoute from "@/app/api/v1/onboarding/route";
import * as itemRoute from "@/app/api/v1/onboarding/[id]/route";
import * as verifyRoute from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrapRoute from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as resumeRoute from "@/app/api/v1/onboarding/[id]/resume/route";
import {
  callRoute,
  createWorkspaceWithMember,
  type CallOptions,
  type CallResult,
  type Member,
  type RouteHandler,
} from "@/test/fixtures";

export const DEBUG = !!process.env.FAULTS_DEBUG;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Databases

/**
 * Every fault file gets its own migrated database on the integration server, so its queue,
 * runs and workers never meet another file's (a worker consumes every job of its database).
 * The queues are created here, before any worker starts: worker processes that start at the
 * same time on a database without them can deadlock in pg-boss' createQueue (07-startup-race
 * covers that separately).
 */
export async function openScratchDatabase(
  label: string,
  opts: { createQueues?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = inject("databaseServerUrl");
  const name = `onramp_fault_${label}_${process.pid}_${randomBytes(3).toString("hex")}`;
  const url = await createScratchDatabase(server, name);
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  if (opts.createQueues ?? true) await getBoss();
  return {
    url,
    drop: async () => {
      await stopQueue({ graceful: false }).catch(() => undefined);
      await disconnectDb().catch(() => undefined);
      await dropDatabase(server, name);
    },
  };
}

export type ScratchDatabase = Awaited<ReturnType<typeof openScratchDatabase>>;

/**
 * The usual scenario setup: a scratch database and an owner in a new workspace before the
 * file's tests, every worker process killed and the database dropped after them.
 */
export function scratchWorkspace(
  label: string,
  ready: (ctx: { database: ScratchDatabase; owner: Member }) => void,
): void {
  let database: ScratchDatabase | undefined;
  beforeAll(async () => {
    database = await openScratchDatabase(label);
    ready({ database, owner: await createWorkspaceWithMember("owner") });
  });
  afterAll(async () => {
    await killAllWorkers();
    await database?.drop();
  });
}

// ---------------------------------------------------------------------------------------------
// Worker processes

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote to stdout and stderr, in order. */
  output: () => string;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set by killWorker: the exit was ours, not a crash. */
  killedByTest: boolean;
}

const children: WorkerProcess[] = [];
// Last resort if the test process ends without afterAll (a crash of its own): take them along.
process.once("exit", () => {
  for (const w of children) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
});

export function spawnWorker(name: string, env: Record<string, string | undefined> = {}): WorkerProcess {
  const preload = process.env.FAULTS_WORKER_PRELOAD ? ["--import", process.env.FAULTS_WORKER_PRELOAD] : [];
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", ...preload, "scripts/worker.ts"],
    {
      cwd: process.cwd(),
      env: { ...process.env, WORKER_CONCURRENCY: "4", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const chunks: string[] = [];
  const onData = (stream: string) => (d: Buffer) => {
    const text = d.toString();
    chunks.push(text);
    if (DEBUG) process.stderr.write(text.replace(/^/gm, `[${name}${stream}] `));
  };
  child.stdout!.on("data", onData(""));
  child.stderr!.on("data", onData("!"));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${name} not ready within 60 s:\n${chunks.join("")}`)),
      60_000,
    );
    child.stdout!.on("data", () => {
      if (chunks.join("").includes("consuming runs")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited (${code ?? signal}) before it was ready:\n${chunks.join("")}`));
    });
  });
  ready.catch(() => undefined);
  const proc: WorkerProcess = {
    name,
    child,
    pid: child.pid!,
    output: () => chunks.join(""),
    ready,
    exited,
    killedByTest: false,
  };
  children.push(proc);
  return proc;
}

export function killWorker(w: WorkerProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  w.killedByTest = true;
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
}

/** For afterAll (also after a failure): no worker process outlives its file. */
export async function killAllWorkers(): Promise<void> {
  for (const stop of supervisors.splice(0)) stop(); // no restart may race the kill
  for (const w of children) killWorker(w);
  await Promise.race([Promise.all(children.map((w) => w.exited)), sleep(10_000)]);
  children.length = 0;
  supervised.clear();
}

export interface Crash {
  name: string;
  pid: number;
  exit: string;
  /** The end of what the process printed: the fatal error and its stack. */
  tail: string;
}

function crashOf(w: WorkerProcess): Crash | null {
  const dead = w.child.exitCode !== null || w.child.signalCode !== null;
  if (!dead || w.killedByTest) return null;
  return {
    name: w.name,
    pid: w.pid,
    exit: String(w.child.exitCode ?? w.child.signalCode),
    tail: w.output().split("\n").slice(-40).join("\n"),
  };
}

export function formatCrash(c: Crash): string {
  return `worker process ${c.name} (pid ${c.pid}) crashed, exit ${c.exit}; the end of its output:\n${c.tail}`;
}

/** A worker that exited without being told to is a crash: fail with its output (stack included). */
export function assertNoWorkerCrashed(): void {
  for (const w of children) {
    const crash = crashOf(w);
    if (crash && !supervised.has(w)) throw new Error(formatCrash(crash));
  }
}

const supervised = new Set<WorkerProcess>();
const supervisors: (() => void)[] = [];

/**
 * Restarts a worker that crashes, as a process manager would (systemd `Restart=always`), and
 * keeps the crashes for the scenario to report. Scenarios that expect no crash at all use
 * assertNoWorkerCrashed instead.
 */
export function superviseWorkers(workers: WorkerProcess[], env: Record<string, string | undefined>) {
  const crashes: Crash[] = [];
  const watch = (w: WorkerProcess) => {
    supervised.add(w);
    void w.exited.then(() => {
      const crash = crashOf(w);
      if (!crash || stopped) return;
      crashes.push(crash);
      // RestartSec=1: a worker started while the database is still down exits at once.
      setTimeout(() => {
        if (!stopped) watch(spawnWorker(`${w.name}'`, env));
      }, 1_000);
    });
  };
  let stopped = false;
  const stop = () => void (stopped = true);
  supervisors.push(stop);
  workers.forEach(watch);
  return { crashes, stop };
}

export function workerOutputs(): { name: string; output: string }[] {
  return children.map((w) => ({ name: w.name, output: w.output() }));
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Polls until `fn` returns something truthy; bounded. Errors thrown by `fn` (the database is
 * restarting, say) count as "not yet" and the last one is reported on timeout.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      if (err instanceof Error && /^worker process .* crashed/.test(err.message)) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** Waits until none of the workspace's runs is queued or running; returns them all. */
export async function waitForRunsToFinish(workspaceId: string, timeoutMs: number, expected?: number) {
  return waitFor(
    `every run of workspace ${workspaceId} to complete`,
    async () => {
      assertNoWorkerCrashed(); // fail at once, with the stack, rather than time out
      const runs = await db().operationRun.findMany({
        where: { workspaceId },
        include: { steps: { orderBy: { position: "asc" } } },
      });
      if (expected !== undefined && runs.length < expected) return null;
      return runs.every((r) => r.status === "completed") ? runs : null;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

// ---------------------------------------------------------------------------------------------
// Calling routes, keeping every response

/**
 * Calls route handlers and keeps every response (06-abuse scans them for tokens). By default a
 * 5xx is retried like an HTTP client would (a few times, with backoff) and kept in
 * `serverErrors`: under this machine's load the setup of a scenario can hit the API's
 * transaction timeouts (see 04-concurrent-onboardings, which is about exactly that and
 * retries nothing silently), and that must not hide the fault a scenario is about.
 */
export class Recorder {
  readonly responses: { url: string; status: number; text: string }[] = [];
  readonly serverErrors: { url: string; status: number; code: string }[] = [];
  private readonly retry: boolean;

  constructor(opts: { retryServerErrors?: boolean } = {}) {
    this.retry = opts.retryServerErrors ?? true;
  }

  async call(handler: RouteHandler, opts: CallOptions): Promise<CallResult> {
    for (let attempt = 1; ; attempt++) {
      const res = await callRoute(handler, opts);
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      this.responses.push({ url: opts.url, status: res.status, text: JSON.stringify({ headers, body: res.body }) });
      if (res.status < 500 || !this.retry || attempt === 5) return res;
      this.serverErrors.push({ url: opts.url, status: res.status, code: res.body?.code });
      console.warn(
        `[faults] ${opts.method ?? "GET"} ${opts.url} answered ${res.status} ${res.body?.code}; retrying (attempt ${attempt + 1})`,
      );
      await sleep(300 * attempt);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants

export interface InvariantReport {
  sessions: number;
  runs: number;
  resources: number;
  platforms: number;
  auditEvents: number;
}

/**
 * What must hold for a workspace once it is quiet, whatever faults happened on the way:
 *  - no run is queued or running, holds a lease or an active key (no stuck run);
 *  - every session's stored status/lifecycle/checkpoints/reason codes/steps are exactly what
 *    lib/onboarding/lifecycle.ts derives from the session and its latest runs (consistent);
 *  - every session's audit trail has one event per version, 1..version, each from the previous
 *    one (no lost or doubled write: each committed write left exactly one version bump);
 *  - at most one Platform per slug, one SimulatedResource per (kind, name), and a succeeded
 *    bootstrap has exactly its four resources and an active platform (nothing created twice).
 */
export async function assertWorkspaceConsistent(workspaceId: string): Promise<InvariantReport> {
  const runs = await db().operationRun.findMany({ where: { workspaceId }, include: { steps: true } });
  const stuck = runs.filter((r) => r.status !== "completed" || r.activeKey !== null || r.leaseOwner !== null);
  expect(
    stuck.map((r) => ({ id: r.id, kind: r.kind, status: r.status, activeKey: r.activeKey, leaseOwner: r.leaseOwner })),
  ).toEqual([]);
  for (const run of runs) {
    const open = run.steps.filter((s) => s.status === "running" || s.status === "pending");
    expect(open.map((s) => `${run.id}/${s.key}:${s.status}`)).toEqual([]);
  }

  const sessions = await db().onboardingSession.findMany({ where: { workspaceId } });
  const audit = await db().auditEvent.findMany({
    where: { workspaceId, targetType: "onboarding_session" },
    orderBy: [{ toVersion: "asc" }],
  });
  const auditBySession = new Map<string, typeof audit>();
  for (const e of audit) auditBySession.set(e.targetId, [...(auditBySession.get(e.targetId) ?? []), e]);

  for (const s of sessions) {
    const derived = deriveLifecycle(
      s as Parameters<typeof deriveLifecycle>[0],
      await latestRuns(db() as unknown as Tx, s.id),
    );
    const stored = Object.fromEntries(DERIVED_FIELDS.map((f) => [f, s[f]]));
    const expected = Object.fromEntries(DERIVED_FIELDS.map((f) => [f, derived[f]]));
    expect(JSON.parse(JSON.stringify(stored)), `session ${s.id} stored state vs derived from its runs`).toEqual(
      JSON.parse(JSON.stringify(expected)),
    );

    const events = auditBySession.get(s.id) ?? [];
    expect(
      events.map((e) => e.toVersion),
      `audit versions of session ${s.id}`,
    ).toEqual(Array.from({ length: s.version }, (_, i) => i + 1));
    expect(events[0]?.action).toBe("onboarding.created");
    for (const e of events.slice(1)) expect(e.fromVersion, `audit ${e.action} of ${s.id}`).toBe((e.toVersion ?? 0) - 1);

    const lastBootstrap = runs
      .filter((r) => r.sessionId === s.id && r.kind === "bootstrap")
      .sort((a, b) => +b.createdAt - +a.createdAt)[0];
    if (lastBootstrap?.outcome === "succeeded") {
      expect(s.platformId, `platform of ${s.id}`).toBeTruthy();
      const platform = await db().platform.findUniqueOrThrow({ where: { id: s.platformId! } });
      expect(platform.slug).toBe(s.slug);
      expect(platform.status).toBe("active");
      const resources = await db().simulatedResource.findMany({
        where: { workspaceId, OR: [{ name: s.slug }, { name: `${s.slug}/ONRAMP_PLATFORM_SLUG` }] },
      });
      expect(resources.map((r) => `${r.kind}:${r.name}`).sort(), `resources of ${s.slug}`).toEqual(
        [
          `deployment:${s.slug}`,
          `infra:${s.slug}`,
          `repository:${s.slug}`,
          `secret:${s.slug}/ONRAMP_PLATFORM_SLUG`,
        ].sort(),
      );
    }
  }

  const dupPlatforms = await db().platform.groupBy({ by: ["slug"], where: { workspaceId }, _count: { _all: true } });
  expect(dupPlatforms.filter((p) => p._count._all > 1)).toEqual([]);
  const dupResources = await db().simulatedResource.groupBy({
    by: ["kind", "name"],
    where: { workspaceId },
    _count: { _all: true },
  });
  expect(dupResources.filter((r) => r._count._all > 1)).toEqual([]);

  return {
    sessions: sessions.length,
    runs: runs.length,
    resources: dupResources.length,
    platforms: dupPlatforms.length,
    auditEvents: audit.length,
  };
}

/** Every run of the database (not only one workspace) has finished: nothing is left stuck. */
export async function assertNoRunStuckAnywhere(): Promise<void> {
  const open = await db().operationRun.findMany({
    where: { status: { in: ["queued", "running"] } },
    select: { id: true, status: true, leaseOwner: true },
  });
  expect(open).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The onboarding flow through the route handlers

export const routes = {
  collection: collectionRoute,
  item: itemRoute,
  verify: verifyRoute,
  bootstrap: bootstrapRoute,
  resume: resumeRoute,
};

export function createOnboarding(rec: Recorder, token: string, body: Record<string, unknown>): Promise<CallResult> {
  return rec.call(collectionRoute.POST, { method: "POST", url: "http://localhost/api/v1/onboarding", token, body });
}

export function getOnboarding(rec: Recorder, token: string, id: string): Promise<CallResult> {
  return rec.call(itemRoute.GET, {
    method: "GET",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
  });
}

export function patchOnboarding(
  rec: Recorder,
  token: string,
  id: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<CallResult> {
  return rec.call(itemRoute.PATCH, {
    method: "PATCH",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
    body,
    headers,
  });
}

type ActionName = "verify-access" | "bootstrap" | "resume";
const ACTIONS: Record<ActionName, { POST: RouteHandler }> = {
  "verify-access": verifyRoute,
  bootstrap: bootstrapRoute,
  resume: resumeRoute,
};

/** POST /onboarding/:id/<action> based on `version` (the current one when omitted). */
export async function sessionAction(
  rec: Recorder,
  token: string,
  id: string,
  action: ActionName,
  version?: number,
): Promise<CallResult> {
  const v = version ?? (await db().onboardingSession.findUniqueOrThrow({ where: { id } })).version;
  return rec.call(ACTIONS[action].POST, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/${action}`,
    token,
    params: { id },
    body: { version: v },
  });
}

export const uniqueSlug = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
