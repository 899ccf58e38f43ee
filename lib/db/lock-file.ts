// Cross-process mutual exclusion with an O_EXCL lock file holding the owner's pid.
// Node has no flock(); an exclusive create is atomic on local file systems, and a lock left
// behind by a crashed process is recognised because its pid is no longer alive.
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";

export type LockOptions = {
  /** Give up after this long; a lock is only held for seconds (initdb + server start). */
  timeoutMs?: number;
  retryMs?: number;
  /** Injected by tests. */
  isAlive?: (pid: number) => boolean;
};

export type LockRelease = () => Promise<void>;

/**
 * True while a process with this pid exists and is not a zombie. A zombie postmaster whose
 * parent does not reap it (no init in some containers) must count as dead.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

const EMPTY_LOCK_GRACE_MS = 5_000;

/** Waits until this process holds `lockPath`; the returned function releases it. */
export async function acquireLock(lockPath: string, opts: LockOptions = {}): Promise<LockRelease> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const retryMs = opts.retryMs ?? 50;
  const isAlive = opts.isAlive ?? isProcessAlive;
  const token = `${process.pid} ${randomBytes(6).toString("hex")}\n`;
  const deadline = Date.now() + timeoutMs;
  let holder = "";
  for (;;) {
    if (await tryCreate(lockPath, token)) return () => releaseLock(lockPath, token);
    holder = await readHolder(lockPath);
    if (await isStale(lockPath, holder, isAlive)) {
      await breakStaleLock(lockPath, holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${lockPath} (held by pid ${parsePid(holder) ?? "unknown"})`,
      );
    }
    // Jitter keeps processes that started together from retrying in lockstep.
    await sleep(retryMs + Math.floor(Math.random() * retryMs));
  }
}

async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  try {
    await fs.writeFile(lockPath, token, { flag: "wx", mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

async function readHolder(lockPath: string): Promise<string> {
  try {
    return await fs.readFile(lockPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
}

export function parsePid(holder: string): number | null {
  const pid = Number.parseInt(holder.trim().split(/\s+/)[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function isStale(lockPath: string, holder: string, isAlive: (pid: number) => boolean): Promise<boolean> {
  const pid = parsePid(holder);
  if (pid !== null) return !isAlive(pid);
  // Empty: the owner created the file but has not written its pid yet, or crashed in between.
  try {
    const { mtimeMs } = await fs.stat(lockPath);
    return Date.now() - mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return false; // vanished: simply retry
  }
}

/**
 * Moves the lock aside before deleting it, so that two processes breaking the same stale lock
 * cannot delete a fresh lock that a third one created in between: whoever moved a lock that
 * is not the stale one puts it back.
 */
async function breakStaleLock(lockPath: string, staleHolder: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved !== staleHolder) await fs.link(aside, lockPath).catch(() => undefined);
  await fs.unlink(aside).catch(() => undefined);
}

async function releaseLock(lockPath: string, token: string): Promise<void> {
  // Only delete our own lock: if it was (wrongly) broken, the file now belongs to someone else.
  if ((await readHolder(lockPath)) === token) await fs.unlink(lockPath).catch(() => undefined);
}

/** Single non-blocking attempt, for `process.on("exit")` where nothing async can run. */
export function tryAcquireLockSync(lockPath: string): (() => void) | null {
  const token = `${process.pid} exit\n`;
  try {
    writeFileSync(lockPath, token, { flag: "wx" });
  } catch {
    return null;
  }
  return () => {
    try {
      if (readFileSync(lockPath, "utf8") === token) unlinkSync(lockPath);
    } catch {
      // best effort while exiting
    }
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
