// Is this error the database being unreachable (restart, dropped connection, exhausted pool)
// rather than something about the data? Such errors are worth retrying later: an API answers
// 503 with Retry-After, a worker gives the job back to the queue instead of failing a step.

import { Prisma } from "@/lib/generated/prisma/client";

/** Prisma error codes for connectivity, pool and transaction-start timeouts. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
/** Driver-adapter error kinds (@prisma/driver-adapter-utils) that mean "no usable connection". */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);
/** SQLSTATE: class 08 connection exceptions, 57P01–57P03 shutdown / cannot connect now, 53300 too many connections. */
const SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
const MESSAGES =
  /connection terminated|connection (?:is )?closed|terminating connection|the database system is (?:starting up|shutting down)|timeout exceeded when trying to connect|client has encountered a connection error|Connection ended unexpectedly|Unable to start a transaction in the given time/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === "object" && !seen.has(e);) {
    seen.add(e);
    const o = e as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown };
    if (typeof o.code === "string" && (PRISMA_CODES.has(o.code) || NODE_CODES.has(o.code) || SQLSTATE.test(o.code)))
      return true;
    if (typeof o.kind === "string" && ADAPTER_KINDS.has(o.kind)) return true;
    if (o.kind === "postgres" && typeof o.originalCode === "string" && SQLSTATE.test(o.originalCode)) return true;
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    // Prisma keeps the adapter's error under meta.driverAdapterError; pg under `cause`.
    const meta = (e as { meta?: { driverAdapterError?: unknown } }).meta;
    e = meta?.driverAdapterError ?? o.cause;
  }
  return false;
}

/**
 * A unique constraint refused the write, optionally on a constraint naming `target`: Prisma's
 * P2002 from a model query, or a raw statement's (P2010) SQLSTATE 23505, or pg's own 23505.
 */
export function isUniqueViolation(err: unknown, target?: string): boolean {
  // A raw statement in a plain pg transaction (lib/db/sql.ts sqlTransaction): the driver's error.
  if (err instanceof Error && (err as { code?: unknown }).code === "23505") {
    const { constraint, detail } = err as { constraint?: string; detail?: string };
    return !target || `${constraint} ${detail} ${err.message}`.includes(target);
  }
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const meta = JSON.stringify(err.meta ?? {});
  const unique =
    err.code === "P2002" ||
    (err.code === "P2010" && (meta.includes("23505") || meta.includes("UniqueConstraintViolation")));
  return unique && (!target || meta.includes(target));
}
