// Exactly which SQL statements a request runs, and how long they take: the route handlers are
// called in this process (as Next.js calls them) while every pg Client.query is recorded. The
// production server runs the same handler code; its per-table counters (pg_stat_user_tables)
// are compared with this census in the report.
import pg from "pg";
import { performance } from "node:perf_hooks";

export interface Statement {
  sql: string;
  ms: number;
}

const recorder = { on: false, statements: [] as Statement[] };
let installed = false;

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps pg.Client.prototype.query (used by the Prisma pg adapter and by pg.Pool). */
export function installQueryRecorder(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (!recorder.on) return original.apply(this, args);
    const first = args[0] as string | { text?: string } | undefined;
    const entry: Statement = { sql: typeof first === "string" ? first : (first?.text ?? "?"), ms: NaN };
    recorder.statements.push(entry);
    const t0 = performance.now();
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as (...a: unknown[]) => unknown;
      args[args.length - 1] = function (this: unknown, ...cbArgs: unknown[]) {
        entry.ms = performance.now() - t0;
        return cb.apply(this, cbArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === "function") {
      (result as Promise<unknown>).then(
        () => (entry.ms = performance.now() - t0),
        () => (entry.ms = performance.now() - t0),
      );
    }
    return result;
  };
}

/** Runs fn and returns the statements it issued and its wall time. */
export async function recordStatements(fn: () => Promise<void>): Promise<{ statements: Statement[]; wallMs: number }> {
  recorder.statements = [];
  recorder.on = true;
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    recorder.on = false;
  }
  const wallMs = performance.now() - t0;
  // Let callbacks of the last statements record their times.
  await new Promise((r) => setImmediate(r));
  return { statements: recorder.statements, wallMs };
}

/** "SELECT ApiToken+User+Workspace", "UPDATE ApiToken", "BEGIN", … */
export function describeStatement(sql: string): string {
  const trimmed = sql.trim();
  const verb = /^\w+/.exec(trimmed)?.[0].toUpperCase() ?? "?";
  const tables = [...new Set([...trimmed.matchAll(/"public"\."(\w+)"/g)].map((m) => m[1]))];
  if (tables.length === 0) return trimmed.length > 60 ? `${trimmed.slice(0, 57)}…` : trimmed;
  const lateral = /JOIN LATERAL/i.test(trimmed) ? " (lateral joins)" : "";
  return `${verb} ${tables.join("+")}${lateral}`;
}
