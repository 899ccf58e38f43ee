// The one logger (pino): JSON lines in production, readable lines in development, with
// credentials redacted wherever they appear in a logged object. `LOG_LEVEL` sets the level
// (default `info`; `silent` turns it off). Use `log.child({ requestId })` to tag lines.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { traceFields } from "@/lib/observability/tracing";

/** Field names whose values are never written to a log, at any depth pino can address. */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "token",
  "apiToken",
  "secret",
  "clientSecret",
  "password",
  "passwordHash",
  "secretCiphertext",
  "tokenHash",
];

export const REDACT_PATHS = [
  ...SECRET_KEYS.map((k) => `["${k}"]`),
  ...SECRET_KEYS.map((k) => `*["${k}"]`),
  ...SECRET_KEYS.map((k) => `*.*["${k}"]`),
];

/**
 * A logger writing JSON lines to `destination` (stdout by default) or, in development, readable
 * ones. `redact: false` only for lines whose fields are fixed primitives (the per-request line):
 * with wildcard paths pino runs the redaction over every field of every line.
 */
export function createLogger(opts: { redact: boolean }, destination?: pino.DestinationStream): Logger {
  const level = process.env.LOG_LEVEL ?? "info";
  const options = {
    level,
    base: { pid: process.pid },
    ...(opts.redact ? { redact: { paths: REDACT_PATHS, censor: "[redacted]" } } : {}),
    serializers: { err: pino.stdSerializers.err },
    // Every line written inside a span (a request, a run's job, a step) carries its trace id.
    mixin: traceFields,
  };
  if (destination) return pino(options, destination);
  const readable =
    process.env.LOG_FORMAT === "pretty" || (process.env.LOG_FORMAT !== "json" && process.env.NODE_ENV !== "production");
  if (!readable) return pino(options);
  // A synchronous stream, not a transport: transports start worker threads, which the
  // Next.js server bundle cannot resolve.
  return pino(
    options,
    pretty({ sync: true, colorize: false, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l" }),
  );
}

const globalForLog = globalThis as unknown as { onrampLogger?: Logger; onrampRequestLogger?: Logger };

export const log: Logger = globalForLog.onrampLogger ?? (globalForLog.onrampLogger = createLogger({ redact: true }));

/**
 * The one line per API request (lib/api/request-guards.ts `logRequest`): request id, method,
 * path without its query, status, duration, kind of caller — no headers, body or query, nothing
 * to redact. Through `log` its redaction cost more CPU than the route's own work on a GET
 * (BENCHMARKS.md, "The API's fixed costs").
 */
export const requestLog: Logger =
  globalForLog.onrampRequestLogger ?? (globalForLog.onrampRequestLogger = createLogger({ redact: false }));

/** An error as a loggable object (message and stack), for `log.error({ err }, "…")`. */
export function errorFields(err: unknown): { err: unknown } {
  return { err: err instanceof Error ? err : { message: String(err) } };
}
