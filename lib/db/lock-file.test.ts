import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, isProcessAlive, parsePid, sleep, tryAcquireLockSync } from "./lock-file";

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "onramp-lock-"));
  lockPath = path.join(dir, "lock");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that certainly belongs to no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("acquireLock", () => {
  it("creates the lock with our pid and removes it on release", async () => {
    const release = await acquireLock(lockPath);
    expect(parsePid(readFileSync(lockPath, "utf8"))).toBe(process.pid);
    await release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it("makes a second holder wait for the first", async () => {
    const order: string[] = [];
    const releaseFirst = await acquireLock(lockPath, { retryMs: 5 });
    const second = acquireLock(lockPath, { retryMs: 5 }).then((release) => {
      order.push("second acquired");
      return release;
    });
    await sleep(50);
    order.push("first releasing");
    await releaseFirst();
    await (
      await second
    )();
    expect(order).toEqual(["first releasing", "second acquired"]);
  });

  it("breaks a lock left by a process that no longer exists", async () => {
    await writeFile(lockPath, `${await deadPid()} abc\n`);
    const release = await acquireLock(lockPath, { timeoutMs: 1_000 });
    expect(parsePid(readFileSync(lockPath, "utf8"))).toBe(process.pid);
    await release();
  });

  it("breaks an empty lock file only once it is old", async () => {
    await writeFile(lockPath, "");
    await expect(acquireLock(lockPath, { timeoutMs: 200, retryMs: 10 })).rejects.toThrow(/Timed out/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    await (
      await acquireLock(lockPath, { timeoutMs: 1_000 })
    )();
  });

  it("times out while a live process holds it", async () => {
    await writeFile(lockPath, "4242 token\n");
    await expect(acquireLock(lockPath, { timeoutMs: 100, retryMs: 10, isAlive: () => true })).rejects.toThrow(
      /held by pid 4242/,
    );
    expect(readFileSync(lockPath, "utf8")).toBe("4242 token\n");
  });

  it("does not delete a lock it no longer owns", async () => {
    const release = await acquireLock(lockPath);
    await writeFile(lockPath, "4242 someone-else\n");
    await release();
    expect(readFileSync(lockPath, "utf8")).toBe("4242 someone-else\n");
  });

  it("excludes concurrent processes", async () => {
    const journal = path.join(dir, "journal");
    const fixture = path.join(process.cwd(), "test", "db-processes", "lock-holder.ts");
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--import", "tsx", fixture, lockPath, journal, "5"], { stdio: "inherit" }),
    );
    const codes = await Promise.all(children.map((c) => new Promise((resolve) => c.on("exit", resolve))));
    expect(codes).toEqual([0, 0, 0, 0]);

    const lines = readFileSync(journal, "utf8").trim().split("\n");
    expect(lines).toHaveLength(40);
    for (let i = 0; i < lines.length; i += 2) {
      // Every "in" is directly followed by the same process's "out".
      expect(lines[i + 1]).toBe(lines[i]!.replace("in", "out"));
    }
  }, 30_000);
});

describe("tryAcquireLockSync", () => {
  it("takes a free lock once and gives up when held", async () => {
    const release = tryAcquireLockSync(lockPath);
    expect(release).not.toBeNull();
    expect(tryAcquireLockSync(lockPath)).toBeNull();
    release!();
    expect(existsSync(lockPath)).toBe(false);
  });
});

describe("isProcessAlive", () => {
  it("knows this process and a finished one", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
  });
});
