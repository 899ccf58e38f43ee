// Named (prepared) statements. PostgreSQL parses and plans an unnamed statement every time it
// runs; a named one once per connection. For this app's statements that is most of what
// PostgreSQL spends on them (BENCHMARKS.md: a GET's two statements cost ≈ 2.2 ms of PostgreSQL
// CPU unnamed, ≈ 0.55 ms named), so all three pools — Prisma's (through the adapter's
// statementNameGenerator), the plain pg pool of lib/db/sql.ts and pg-boss's (lib/queue/queue.ts)
// — name every statement by a hash of its text, unless DATABASE_PREPARED_STATEMENTS=false (a PgBouncer in transaction mode
// without prepared-statement support, for instance).
//
// Two kinds of text stay unnamed:
// - a row wildcard (`SELECT *`, `r.*`, `RETURNING *`): a prepared statement whose result columns
//   change (a migration adding a column while this process runs) fails with "cached plan must
//   not change result type" until its connection closes. The hot statements list their columns
//   (`columnList`), so a column added later is simply not read by the code that predates it.
// - more than MAX_NAMED_PARAMS parameters: Prisma writes `IN ($1, …, $n)` lists, one text per
//   length, and every name stays prepared on its connection for the connection's life.
// - no parameters: nothing to gain (BEGIN, COMMIT), and a text with several commands — pg-boss'
//   migrations and locks — cannot be prepared at all.
import { createHash } from "node:crypto";

const MAX_NAMED_PARAMS = 32;
const ROW_WILDCARD = /(?:\bselect|\breturning|,)\s*(?:(?:"\w+"|\w+)\.)?\*/i;

const names = new Map<string, string | undefined>();

/** The name to prepare `text` under, or undefined to send it unnamed. */
export function statementName(text: string, paramCount: number): string | undefined {
  if (paramCount === 0 || paramCount > MAX_NAMED_PARAMS) return undefined;
  if (names.has(text)) return names.get(text);
  const name = ROW_WILDCARD.test(text) ? undefined : `q${createHash("sha1").update(text).digest("base64url")}`;
  names.set(text, name);
  return name;
}

/** `"id", "workspaceId", …` — or `s."id", …` with an alias — for a model's ScalarFieldEnum. */
export function columnList(fields: Record<string, string>, alias?: string): string {
  const prefix = alias ? `${alias}.` : "";
  return Object.values(fields)
    .map((column) => `${prefix}"${column}"`)
    .join(", ");
}
