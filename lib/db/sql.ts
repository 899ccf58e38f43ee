// A plain `pg` pool for the statements on the hot paths that need no transaction: the reads every
// request makes (the caller's identity, the record it names, a watch's tag, active runs' health),
// a run's per-step bookkeeping (one statement to start an attempt, one to record its success —
// lib/runs/step-attempt.ts) and the resource ledger's upsert. Through Prisma one primary-key read
// costs the app ≈ 2–3× its CPU through `pg` (query compiler, adapter, result mapping —
// BENCHMARKS.md). The hot writes inside a transaction (mutateSession's read and guarded UPDATE,
// audit rows, a run's insert and its end) are raw statements through the transaction's
// `$queryRawUnsafe`, for the same reason. Everything else stays on Prisma (lib/db/client.ts).
// Both pools send named (prepared) statements: lib/db/statements.ts.
import pg from "pg";
import { env } from "@/lib/env/env";
import { statementName } from "@/lib/db/statements";
import { newPool } from "@/lib/db/pool";

// timestamp(3) without time zone holds UTC (Prisma writes it so): read it as UTC, as Prisma
// does, whatever the process's TZ. pg's default would read it as local time.
const TIMESTAMP = 1114;
const parseUtc = (v: string) => new Date(`${v.replace(" ", "T")}Z`);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMP) return parseUtc;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

type Cached = { pool: pg.Pool; url: string; prepared: boolean };
const globalState = globalThis as typeof globalThis & { __onrampSqlPool?: Cached };

function pool(): Cached {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const cached = globalState.__onrampSqlPool;
  // A changed URL (tests switching databases) must not keep talking to the old one.
  if (cached && cached.url === url) return cached;
  if (cached) void cached.pool.end().catch(() => undefined);
  // An idle client losing its connection must not crash the process; the next query reconnects.
  const created = newPool(
    {
      connectionString: url,
      max: env("DATABASE_HOT_POOL_MAX"),
      connectionTimeoutMillis: 10_000,
      allowExitOnIdle: true,
      types,
    },
    () => undefined,
  );
  const state = { pool: created, url, prepared: env("DATABASE_PREPARED_STATEMENTS") };
  globalState.__onrampSqlPool = state;
  return state;
}

/** One read statement with $1… parameters; rows come back with Dates (UTC) and parsed JSON, like Prisma's $queryRaw. */
export async function sqlRead<T>(text: string, values: unknown[]): Promise<T[]> {
  const { pool: target, prepared } = pool();
  const name = prepared ? statementName(text, values.length) : undefined;
  const result = await target.query<T & pg.QueryResultRow>({ text, values, name });
  return result.rows;
}

/** One statement (a write, or a write with RETURNING) with $1… parameters, committed on its own. */
export const sqlWrite: <T>(text: string, values: unknown[]) => Promise<T[]> = sqlRead;

/**
 * A timestamp(3) parameter as Prisma stores it (UTC, no zone): pg would send a Date in the
 * process's local time, and PostgreSQL's now() is in the session's zone.
 */
export const utcTimestamp = (d: Date) => d.toISOString().slice(0, 23);

export async function closeSqlPool(): Promise<void> {
  const cached = globalState.__onrampSqlPool;
  globalState.__onrampSqlPool = undefined;
  await cached?.pool.end();
}
