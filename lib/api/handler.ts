import "server-only";
// The one wrapper every route handler goes through: a request id and one log line per request,
// authentication, CSRF for cookie writes, rate limits, body/query/params parsing with zod, and
// error mapping to problem+json.
// Route files read like their spec; access rules are options here, not code in the handler.
import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import { z, type ZodType } from "zod";
import { ApiError } from "./errors";
import { inspectInput } from "./inspect-input";
import { problemResponse, zodFields } from "./problem";
import { consumeRateLimit } from "./rate-limit";
import { resolveActor, type Actor } from "@/lib/auth/actor";
import { clientAddress, expectedOrigin } from "@/lib/http/forwarded";
import { log } from "@/lib/log/logger";
import { env } from "@/lib/env/env";
import { withRequestSpan } from "@/lib/observability/request-span";
import { recordHttpRequest } from "@/lib/observability/http-metrics";

const MAX_BODY_BYTES = 64 * 1024;
/** Deeper than any schema goes (a step result may nest 32 levels, three below the body). */
const MAX_INPUT_DEPTH = 64;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface HandlerContext<P, Q, B, A extends Actor | null = Actor> {
  req: NextRequest;
  actor: A;
  params: P;
  query: Q;
  body: B;
}

interface Options<P, Q, B> {
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** An absent or empty body counts as `{}` (actions whose fields are all optional). */
  optionalBody?: boolean;
  /** Writes are rate limited per caller by default; reads are not. */
  rateLimit?: "write" | false;
  /**
   * "optional": a caller without credentials is let in as `actor: null` (public endpoints such
   * as accepting an invitation); credentials that are sent but invalid still answer 401.
   */
  auth?: "required" | "optional";
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  options: Options<P, Q, B> & { auth: "optional" },
  handler: (ctx: HandlerContext<P, Q, B, Actor | null>) => Promise<Response>,
): (req: NextRequest, routeContext: RouteContext) => Promise<Response>;
export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  options: Options<P, Q, B>,
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<Response>,
): (req: NextRequest, routeContext: RouteContext) => Promise<Response>;
export function apiRoute<P, Q, B>(options: Options<P, Q, B>, handler: (ctx: HandlerContext<P, Q, B>) => Promise<Response>) {
  return withRequestSpan(async (req: NextRequest, routeContext: RouteContext): Promise<Response> => {
    const started = performance.now();
    const instance = req.nextUrl.pathname;
    const requestId = requestIdOf(req.headers);
    let actorKind: Actor["via"] | "none" = "none";
    let response: Response;
    try {
      const actor = await resolveActor(req);
      actorKind = actor?.via ?? "none";
      if (!actor && (options.auth !== "optional" || req.headers.has("authorization"))) {
        throw new ApiError("unauthenticated", "Sign in, or send a valid API token as `Authorization: Bearer <token>`.", {
          headers: { "www-authenticate": 'Bearer realm="onramp"' },
        });
      }
      if (UNSAFE.has(req.method) && actor?.via === "session") checkSameOrigin(req);
      const limitKind = options.rateLimit ?? (UNSAFE.has(req.method) ? "write" : false);
      if (limitKind) await enforceWriteLimit(actor, req);

      const params = parseWith(options.params, await routeContext.params, "Path parameter") as P;
      const query = parseWith(options.query, Object.fromEntries(req.nextUrl.searchParams), "Query parameter") as Q;
      const raw = options.body ? await readJson(req, options.optionalBody ?? false) : undefined;
      const body = (options.body ? parseWith(options.body, raw, "Body") : undefined) as B;
      // Null only reaches handlers declared with `auth: "optional"` (their overload says so).
      response = await handler({ req, actor: actor as Actor, params, query, body });
    } catch (err) {
      response = problemResponse(err, instance, requestId);
    }
    response = withHeader(response, "x-request-id", requestId);
    logRequest(req.method, instance, response.status, performance.now() - started, requestId, actorKind);
    return response;
  });
}

/** The client's X-Request-Id when it is a plain token (it ends up in logs), else a new one. */
function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** One line per request; never the query string, headers, cookies or tokens. */
function logRequest(method: string, path: string, status: number, ms: number, requestId: string, actor: string): void {
  const line = { requestId, method, path, status, durationMs: Math.round(ms * 10) / 10, actor };
  recordHttpRequest(method, path, status, ms);
  if (status >= 500) log.error(line, "request failed");
  else log.info(line, "request");
}

/** Headers of some responses (Response.redirect, fetched ones) are immutable: copy those. */
function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set(name, value);
    return copy;
  }
}

function parseWith<T>(schema: ZodType<T> | undefined, value: unknown, what: string): T | unknown {
  if (!schema) return value;
  // PostgreSQL cannot store U+0000 or a lone surrogate in text, and a deep body would overflow
  // the stack of whatever recurses over it later: refuse both up front rather than fail on write.
  const problem = inspectInput(value, MAX_INPUT_DEPTH);
  if (problem) {
    throw new ApiError("validation_failed", `${what} contains a value that is not allowed.`, {
      fields: [{ field: problem.path.join(".") || "(body)", message: problem.message }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError("validation_failed", `${what} validation failed.`, { fields: zodFields(result.error) });
}

/** Parses the JSON body; with `optional`, an absent or empty body counts as `{}`. */
async function readJson(req: NextRequest, optional: boolean): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(type);
  const wrongType = () => new ApiError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  if (!isJson && !(optional && type === "")) throw wrongType();
  const text = await readLimited(req);
  if (text.trim() === "") {
    if (optional) return {};
    throw new ApiError("malformed_json", "The request body is empty; send a JSON object.");
  }
  if (!isJson) throw wrongType();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json", "The request body is not valid JSON.");
  }
}

async function readLimited(req: NextRequest): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const tooLarge = () => new ApiError("payload_too_large", `The request body exceeds ${MAX_BODY_BYTES / 1024} KiB.`);

/**
 * Cookie-authenticated writes must come from our own pages: the Origin (or the Referer's
 * origin) must equal ours in scheme, host and port. Ours is the configured public URL, or the
 * request's own with forwarded headers believed only from a trusted proxy (lib/http/forwarded).
 */
function checkSameOrigin(req: NextRequest): void {
  const origin = req.headers.get("origin");
  const source = origin !== null ? origin : req.headers.get("referer");
  let sourceOrigin: string | null = null;
  try {
    sourceOrigin = source && source !== "null" ? new URL(source).origin : null;
  } catch {
    sourceOrigin = null;
  }
  const expected = expectedOrigin(req.headers);
  if (!sourceOrigin || sourceOrigin === "null" || !expected || sourceOrigin !== expected) {
    throw new ApiError("csrf_failed", "Cross-site request refused: writes with a session cookie must come from this site.");
  }
}

async function enforceWriteLimit(actor: Actor | null, req: NextRequest): Promise<void> {
  const limit = env("RATE_LIMIT_WRITES_PER_MINUTE");
  const key = !actor ? `write:ip:${clientAddress(req.headers)}` : actor.tokenId ? `write:token:${actor.tokenId}` : `write:user:${actor.userId}`;
  const result = await consumeRateLimit(key, limit);
  if (!result.allowed) {
    throw new ApiError("rate_limited", `Too many writes; at most ${limit} a minute. Retry after ${result.resetSeconds} s.`, {
      headers: { "retry-after": String(result.resetSeconds) },
    });
  }
}

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...init.headers },
  });
}

export const idParams = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "Not a valid id") });
