// Linux /proc readers: CPU time and memory of a process (tree), and the machine description.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const CLK_TCK = (() => {
  const out = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

interface StatFields {
  ppid: number;
  /** utime + stime of the process itself, in ms. */
  cpuMs: number;
  /** cutime + cstime: its children that ended and were waited for, in ms. */
  reapedMs: number;
}

function readStat(pid: number): StatFields | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    const ppid = Number(rest[1]);
    const ticks = Number(rest[11]) + Number(rest[12]);
    const reaped = Number(rest[13]) + Number(rest[14]);
    return { ppid, cpuMs: (ticks * 1000) / CLK_TCK, reapedMs: (reaped * 1000) / CLK_TCK };
  } catch {
    return null;
  }
}

/** CPU time (user + system) of one process, in ms; NaN when it is gone. */
export function cpuMsOf(pid: number): number {
  return readStat(pid)?.cpuMs ?? NaN;
}

/** The pid and all its live descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(Number(name));
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length && out.length < 10_000) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU time of a process and its descendants (threads are included in a process's own time). */
export function treeCpuMs(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    const v = cpuMsOf(pid);
    if (Number.isFinite(v)) total += v;
  }
  return total;
}

/**
 * CPU time of a process tree including descendants that ended (each counted in the process that
 * waited for it): it never goes down when a child exits, unlike treeCpuMs — for a window in which
 * the tree's processes come and go (the bench's own share of a phase).
 */
export function treeCpuMsWithEnded(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    const st = readStat(pid);
    if (st) total += st.cpuMs + st.reapedMs;
  }
  return total;
}

/** VmRSS and VmHWM (peak RSS) in bytes; NaN when the process is gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** The descendant whose command line matches (e.g. the real node process behind a launcher). */
export function findInTree(root: number, match: RegExp): number | null {
  for (const pid of processTree(root)) {
    if (match.test(commandOf(pid)) || match.test(processTitle(pid))) return pid;
  }
  return null;
}

function processTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotal: string;
  node: string;
  kernel: string;
  date: string;
  loadAvg: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  const nproc = Number(spawnSync("nproc", { encoding: "utf8" }).stdout?.trim()) || os.availableParallelism();
  return {
    nproc,
    cpuModel,
    memTotal: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    loadAvg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

/**
 * Samples the RSS of named processes every `intervalMs` and keeps the peak per name, so that
 * each phase of the bench can report "at rest" and "under load" memory.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private peaks = new Map<string, number>();
  constructor(
    private readonly targets: () => Record<string, number | null>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.stop();
    this.peaks.clear();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.targets())) {
      if (!pid) continue;
      const { rss } = memoryOf(pid);
      if (Number.isFinite(rss)) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, rss));
    }
  }

  /** Stops and returns the peak RSS per name seen since start(). */
  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return Object.fromEntries(this.peaks);
  }
}

/** Busy and total CPU time of the whole machine, in ms (from the first line of /proc/stat). */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: (busy * 1000) / CLK_TCK, total: ((busy + idle + iowait) * 1000) / CLK_TCK };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
