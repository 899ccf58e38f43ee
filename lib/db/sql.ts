// A plain `pg` pool for the statements and transactions on the hot paths: the reads every request
// makes (the caller's identity, the record it names, a watch's tag, active runs' health), a run's
// per-step bookkeeping (one statement to start an attempt, one to record its success —
// lib/runs/step-attempt.ts), the resource ledger's upsert, the write rate limit, and the hot
// transactions (sqlTransaction: a run's start and end, a create, a save). Through Prisma one
// primary-key read costs the app ≈ 2–3× its CPU through `pg` (query compiler, adapter, result
// mapping), and an interactive transaction of raw statements ≈ 2× (BENCHMARKS.md). Code that
// writes only raw statements takes RawTx and runs in either kind of transaction. Everything else
// stays on Prisma (lib/db/client.ts). Both pools send named (prepared) statements:
// lib/db/statements.ts.
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

/**
 * What a transaction's raw statements need — Prisma's transaction client has it, and so has
 * `sqlTransaction`'s. Code that writes only raw statements takes this, and runs in either.
 */
export interface RawTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const TRANSACTION_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * A transaction on this pool's connections, for the hot writes whose statements are all raw (a
 * run's start and end, a create): Prisma's interactive transaction costs its client more CPU than
 * the statements do (BENCHMARKS.md, "Hot transactions without Prisma"). BEGIN, `fn`, COMMIT; any
 * error rolls back and is rethrown (a pg DatabaseError: SQLSTATE in `code`, see lib/db/errors).
 * Parameters as Prisma's raw calls take them: a Date is sent as UTC, an object as JSON.
 */
export async function sqlTransaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T> {
  const { pool: target, prepared } = pool();
  const client = await target.connect();
  const run = (text: string, values: unknown[]) =>
    client.query({ text, values: values.map(param), name: prepared ? statementName(text, values.length) : undefined });
  const tx: RawTx = {
    $queryRawUnsafe: async <R>(text: string, ...values: unknown[]) => (await run(text, values)).rows as R,
    $executeRawUnsafe: async (text: string, ...values: unknown[]) => (await run(text, values)).rowCount ?? 0,
  };
  let broken: Error | undefined;
  try {
    // No statement waits on a lock for ever (Prisma's transactions end after 15 s): one round trip.
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${TRANSACTION_STATEMENT_TIMEOUT_MS}`);
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** A raw statement's parameter as Prisma sends it: Dates in UTC (right for timestamp and timestamptz alike). */
function param(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
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
