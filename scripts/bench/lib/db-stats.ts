// What the database does for the app during a window:
//  - CPU of the PostgreSQL backends serving the bench's databases (from /proc, sampled, since
//    pool connections come and go);
//  - per-table scan and write counters of the app's tables (pg_stat_user_tables), which tell
//    which queries a request runs. pg_stat_statements needs shared_preload_libraries, i.e. a
//    restart of the shared embedded server, so it is not used.
import pg from "pg";
import { cpuMsOf } from "./proc";

export class DbCpuSampler {
  private baseline = new Map<number, number>();
  private last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly databases: string[],
    private readonly intervalMs = 500,
  ) {}

  private async pids(): Promise<number[]> {
    const { rows } = await this.client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = any($1)",
      [this.databases],
    );
    return rows.map((r) => r.pid);
  }

  private async sample(): Promise<void> {
    for (const pid of await this.pids()) {
      const cpu = cpuMsOf(pid);
      if (!Number.isFinite(cpu)) continue;
      // A backend first seen during the window was born in it: all its CPU counts.
      if (!this.baseline.has(pid)) this.baseline.set(pid, 0);
      this.last.set(pid, cpu);
    }
  }

  async start(): Promise<void> {
    this.baseline.clear();
    this.last.clear();
    for (const pid of await this.pids()) {
      const cpu = cpuMsOf(pid);
      if (Number.isFinite(cpu)) {
        this.baseline.set(pid, cpu);
        this.last.set(pid, cpu);
      }
    }
    this.timer = setInterval(() => {
      if (!this.sampling)
        this.sampling = this.sample()
          .catch(() => undefined)
          .finally(() => (this.sampling = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** CPU ms used by the backends of the databases since start(). */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sampling;
    await this.sample().catch(() => undefined);
    let total = 0;
    for (const [pid, last] of this.last) total += Math.max(0, last - (this.baseline.get(pid) ?? 0));
    return total;
  }
}

export type TableCounters = Record<string, { seqScan: number; idxScan: number; ins: number; upd: number; del: number }>;

/** Cumulative counters of the app's tables (schema public) in the database `client` is on. */
export async function tableCounters(client: pg.Client): Promise<TableCounters> {
  const { rows } = await client.query<{
    relname: string;
    seq_scan: string;
    idx_scan: string | null;
    n_tup_ins: string;
    n_tup_upd: string;
    n_tup_del: string;
  }>(
    "select relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables where schemaname = 'public'",
  );
  const out: TableCounters = {};
  for (const r of rows) {
    out[r.relname] = {
      seqScan: Number(r.seq_scan),
      idxScan: Number(r.idx_scan ?? 0),
      ins: Number(r.n_tup_ins),
      upd: Number(r.n_tup_upd),
      del: Number(r.n_tup_del),
    };
  }
  return out;
}

export function diffCounters(before: TableCounters, after: TableCounters): TableCounters {
  const out: TableCounters = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { seqScan: 0, idxScan: 0, ins: 0, upd: 0, del: 0 };
    const d = {
      seqScan: a.seqScan - b.seqScan,
      idxScan: a.idxScan - b.idxScan,
      ins: a.ins - b.ins,
      upd: a.upd - b.upd,
      del: a.del - b.del,
    };
    if (d.seqScan || d.idxScan || d.ins || d.upd || d.del) out[table] = d;
  }
  return out;
}

/**
 * Backends publish their statistics when they go idle, at most once a second, and an idle
 * backend flushes what is pending after 10 s (PGSTAT_IDLE_INTERVAL): wait that long before
 * reading counters that must include a window's work.
 */
export const STATS_FLUSH_MS = 11_500;

/** xact_commit of a database (every autocommit statement is one transaction). */
export async function xactCommit(client: pg.Client, database: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    "select xact_commit as n from pg_stat_database where datname = $1",
    [database],
  );
  return Number(rows[0]?.n ?? NaN);
}
