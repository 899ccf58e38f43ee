import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "./lock-file";

// Each test gets its own data folder (and so its own server), independent of the shared one.
const dirs: string[] = [];
const spawned: ChildProcess[] = [];
const fixture = path.join(process.cwd(), "test", "db-processes", "embedded-client.ts");

type Line = { event: string; log?: string; port: number; postmaster: string };
type Client = { child: ChildProcess; lines: Line[]; ready: Promise<Line>; exited: Promise<number | null> };

async function tempDataDir(): Promise<string> {
  // Under /tmp: when running as root the `postgres` user must be able to reach it.
  const dir = await mkdtemp(path.join(os.tmpdir(), "onramp-embedded-"));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return path.join(dir, "pg");
}

function startClient(dataDir: string, holdMs: number): Client {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  // `node --import tsx`, not the tsx CLI: that one runs the script in a grandchild process,
  // which a SIGKILL of the child would not reach.
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dataDir, String(holdMs)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.push(child);
  const lines: Line[] = [];
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<Line>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      for (const text of chunk
        .toString()
        .split("\n")
        .filter((l) => l.startsWith("{"))) {
        const line = JSON.parse(text) as Line;
        lines.push(line);
        if (line.event === "ready") resolve(line);
      }
    });
    child.on("exit", (code) => reject(new Error(`client exited (${code}) before being ready: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  exited.then((code) => {
    if (code !== 0 && code !== null) console.error(stderr);
  });
  return { child, lines, ready, exited };
}

function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, "cluster", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
}

afterEach(async () => {
  // After a failure, leave neither clients nor servers behind.
  for (const child of spawned.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) {
    const pid = postmasterPid(path.join(dir, "pg"));
    if (pid && isProcessAlive(pid)) process.kill(pid, "SIGQUIT");
    await rm(dir, { recursive: true, force: true });
  }
});

describe("ensureDatabase (embedded)", () => {
  it("shares one server between processes started at the same instant; the last one out stops it", async () => {
    const dataDir = await tempDataDir();
    // The shortest holder is likely the starter: others must keep working after it leaves.
    const clients = [startClient(dataDir, 200), startClient(dataDir, 2_500), startClient(dataDir, 1_200)];
    const ready = await Promise.all(clients.map((c) => c.ready));
    const pid = postmasterPid(dataDir);

    expect(new Set(ready.map((r) => r.port)).size).toBe(1);
    expect(new Set(ready.map((r) => r.postmaster)).size).toBe(1);
    expect(ready.filter((r) => r.log?.startsWith("Started"))).toHaveLength(1);
    expect(ready.filter((r) => r.log?.startsWith("Attached"))).toHaveLength(2);

    expect(await Promise.all(clients.map((c) => c.exited))).toEqual([0, 0, 0]);
    // Every client could still query right before releasing, i.e. on the same server.
    expect(clients.map((c) => c.lines.at(-1)?.postmaster)).toEqual(ready.map((r) => r.postmaster));
    expect(pid).not.toBeNull();
    expect(isProcessAlive(pid!)).toBe(false);
  });

  it("attaches to a server whose starter was killed, and stops it when done", async () => {
    const dataDir = await tempDataDir();
    const starter = startClient(dataDir, 60_000);
    const first = await starter.ready;
    starter.child.kill("SIGKILL");
    await starter.exited;
    const pid = postmasterPid(dataDir)!;
    expect(isProcessAlive(pid)).toBe(true);

    const next = startClient(dataDir, 0);
    const second = await next.ready;
    expect(second.log).toMatch(/^Attached/);
    expect(second.postmaster).toBe(first.postmaster);
    expect(await next.exited).toBe(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});
