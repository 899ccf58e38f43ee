// Child processes of the bench (next start, workers, the bare floor server): started with their
// output kept in a log file, awaited until ready, and always stopped by pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";
import { findInTree } from "./proc";
import { HOST, send } from "./load";

export interface Child {
  name: string;
  proc: ChildProcess;
  /** The process doing the work (e.g. the node process behind a launcher). */
  pid: number;
  logFile: string;
  /** Resolves when the output (since start) matches; rejects after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

const live = new Set<Child>();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitForExit(proc: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface StartOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Resolves when the output shows the process is ready; returns a value from the line. */
  readyLine: RegExp;
  readyTimeoutMs: number;
  /** Finds the working process in the tree (defaults to the spawned one). */
  workerPid?: (rootPid: number) => number | null;
  stopTimeoutMs?: number;
}

export async function startChild(opts: StartOptions): Promise<{ child: Child; match: RegExpMatchArray }> {
  const logFile = path.join(opts.logDir, `${opts.name}.log`);
  const log: WriteStream = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(process.execPath, opts.args, {
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    cwd: process.cwd(),
  });
  let buffered = "";
  const watchers = new Set<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }>();
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    buffered = (buffered + chunk.toString("utf8")).slice(-20_000);
    for (const w of watchers) {
      const m = w.re.exec(buffered);
      if (m) {
        watchers.delete(w);
        w.resolve(m);
      }
    }
  };
  const waitForLine = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const m = re.exec(buffered);
      if (m) return resolve(m);
      const timer = setTimeout(() => {
        watchers.delete(w);
        reject(
          new Error(
            `${opts.name}: no output matching ${re} within ${timeoutMs} ms; see ${logFile}\n${buffered.slice(-2_000)}`,
          ),
        );
      }, timeoutMs);
      const w = { re, resolve: (x: RegExpMatchArray) => (clearTimeout(timer), resolve(x)) };
      watchers.add(w);
    });
  const ready = waitForLine(opts.readyLine, opts.readyTimeoutMs);
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<never>((_, reject) =>
    proc.once("exit", (code, signal) =>
      reject(
        new Error(
          `${opts.name} exited (${signal ?? code}) before it was ready; see ${logFile}\n${buffered.slice(-2_000)}`,
        ),
      ),
    ),
  );
  exited.catch(() => undefined);
  const child: Child = {
    name: opts.name,
    proc,
    pid: proc.pid ?? -1,
    logFile,
    waitForLine,
    async stop() {
      live.delete(child);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        if (!(await waitForExit(proc, opts.stopTimeoutMs ?? 20_000))) {
          proc.kill("SIGKILL");
          await waitForExit(proc, 5_000);
        }
      }
      log.end();
    },
  };
  live.add(child);
  try {
    const match = await Promise.race([ready, exited]);
    child.pid = opts.workerPid?.(proc.pid!) ?? proc.pid!;
    return { child, match };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Stops every child still running (on error or interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop().catch(() => undefined)));
}

/** Polls GET `path` until it answers 200 (bounded). */
export async function waitForHttp(port: number, urlPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const reply = await send(port, { path: urlPath }, undefined, 10_000);
      if (reply.status === 200) return;
      last = `HTTP ${reply.status}: ${reply.body.toString("utf8").slice(0, 300)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`GET ${urlPath} on port ${port} did not answer 200 within ${timeoutMs} ms (${last})`);
}

export const NEXT_BIN = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

export interface WebOptions {
  logDir: string;
  databaseUrl: string;
  distDir: string;
  inlineWorker: boolean;
  secrets: { NEXTAUTH_SECRET: string; ONRAMP_ENCRYPTION_KEY: string };
  name: string;
  /** Write a V8 CPU profile of the server into this folder (on exit). */
  cpuProfileDir?: string;
}

export interface Web extends Child {
  port: number;
}

/** `next start` on the production build in `distDir`, with its own database. */
export async function startWeb(opts: WebOptions): Promise<Web> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.secrets,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ONRAMP_DIST_DIR: opts.distDir,
    DATABASE_URL: opts.databaseUrl,
    PORT: String(port),
    NEXTAUTH_URL: `http://${HOST}:${port}`,
    ONRAMP_INLINE_WORKER: opts.inlineWorker ? "true" : "false",
    RATE_LIMIT_WRITES_PER_MINUTE: "100000",
  };
  const { child } = await startChild({
    name: opts.name,
    args: [
      ...(opts.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`] : []),
      NEXT_BIN,
      "start",
      "-p",
      String(port),
      "-H",
      HOST,
    ],
    env,
    logDir: opts.logDir,
    readyLine: /Ready in|Local:/i,
    readyTimeoutMs: 90_000,
    workerPid: (root) => findInTree(root, /^next-server/) ?? root,
  });
  try {
    await waitForHttp(port, "/api/health", 60_000);
    if (opts.inlineWorker) await child.waitForLine(/inline worker \S+ started/, 60_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return Object.assign(child, { port });
}

export interface WorkerOptions {
  logDir: string;
  databaseUrl: string;
  concurrency: number;
  secrets: { NEXTAUTH_SECRET: string; ONRAMP_ENCRYPTION_KEY: string };
  name: string;
  /** Extra environment (e.g. lease settings of the takeover phase). */
  env?: Record<string, string>;
}

/**
 * `npm run worker` is `tsx --conditions=react-server scripts/worker.ts`; the tsx CLI is only a
 * launcher around a node process, so the bench starts that node process directly (as the
 * crash-recovery test does) and measures it.
 */
export async function startWorkerProcess(opts: WorkerOptions): Promise<Child> {
  const { child } = await startChild({
    name: opts.name,
    args: ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
    env: {
      ...process.env,
      ...opts.secrets,
      DATABASE_URL: opts.databaseUrl,
      WORKER_CONCURRENCY: String(opts.concurrency),
      ...opts.env,
    },
    logDir: opts.logDir,
    readyLine: /consuming runs/,
    readyTimeoutMs: 90_000,
  });
  return child;
}
