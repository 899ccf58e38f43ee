import "server-only";
// The one wrapper every route handler goes through: authentication, CSRF for cookie writes,
// rate limits, body/query/params parsing with zod, and error mapping to problem+json.
// Route files read like their spec; access rules are options here, not code in the handler.
import type { NextRequest } from "next/server";
import { z, type ZodType } from "zod";
import { ApiError } from "./errors";
import { problemResponse, zodFields } from "./problem";
import { consumeRateLimit } from "./rate-limit";
import { resolveActor, type Actor } from "@/lib/auth/actor";
import { clientAddress } from "@/lib/http/forwarded";

const MAX_BODY_BYTES = 64 * 1024;
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
  return async (req: NextRequest, routeContext: RouteContext): Promise<Response> => {
    const instance = req.nextUrl.pathname;
    try {
      const actor = await resolveActor(req);
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
      return await handler({ req, actor: actor as Actor, params, query, body });
    } catch (err) {
      return problemResponse(err, instance);
    }
  };
}

function parseWith<T>(schema: ZodType<T> | undefined, value: unknown, what: string): T | unknown {
  if (!schema) return value;
  const nul = findNul(value, []);
  if (nul) {
    // PostgreSQL cannot store U+0000 in text; refuse it up front rather than fail on write.
    throw new ApiError("validation_failed", `${what} contains a NUL character.`, {
      fields: [{ field: nul.join(".") || "(body)", message: "NUL characters (U+0000) are not allowed" }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError("validation_failed", `${what} validation failed.`, { fields: zodFields(result.error) });
}

function findNul(value: unknown, path: string[], depth = 0): string[] | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (depth > 64 || value === null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes("\u0000")) return [...path, k.replaceAll("\u0000", "\\0")];
    const found = findNul(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
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

/** Cookie-authenticated writes must come from our own pages (Origin or Referer on our host). */
function checkSameOrigin(req: NextRequest): void {
  const source = req.headers.get("origin") ?? req.headers.get("referer");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let sourceHost: string | null = null;
  try {
    sourceHost = source ? new URL(source).host : null;
  } catch {
    sourceHost = null;
  }
  if (!sourceHost || !host || sourceHost !== host) {
    throw new ApiError("csrf_failed", "Cross-site request refused: writes with a session cookie must come from this site.");
  }
}

async function enforceWriteLimit(actor: Actor | null, req: NextRequest): Promise<void> {
  const limit = Number(process.env.RATE_LIMIT_WRITES_PER_MINUTE ?? 600);
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
