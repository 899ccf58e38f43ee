import "server-only";
// What the wrapper does around every handler besides parsing: request ids, one log line per
// request, CSRF for cookie writes and the per-caller write limit.
import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import { ApiError } from "./errors";
import { consumeRateLimit } from "./rate-limit";
import type { Actor } from "@/lib/auth/actor";
import { clientAddress, expectedOrigin } from "@/lib/http/forwarded";
import { requestLog } from "@/lib/log/logger";
import { env } from "@/lib/env/env";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The client's X-Request-Id when it is a plain token (it ends up in logs), else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** One line per request; never the query string, headers, cookies or tokens. */
export function logRequest(
  method: string,
  path: string,
  status: number,
  ms: number,
  requestId: string,
  actor: string,
): void {
  const line = { requestId, method, path, status, durationMs: Math.round(ms * 10) / 10, actor };
  if (status >= 500) requestLog.error(line, "request failed");
  else requestLog.info(line, "request");
}

/** Headers of some responses (Response.redirect, fetched ones) are immutable: copy those. */
export function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set(name, value);
    return copy;
  }
}

/**
 * Cookie-authenticated writes must come from our own pages: the Origin (or the Referer's
 * origin) must equal ours in scheme, host and port. Ours is the configured public URL, or the
 * request's own with forwarded headers believed only from a trusted proxy (lib/http/forwarded).
 */
export function checkSameOrigin(req: NextRequest): void {
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
    throw new ApiError(
      "csrf_failed",
      "Cross-site request refused: writes with a session cookie must come from this site.",
    );
  }
}

export async function enforceWriteLimit(actor: Actor | null, req: NextRequest): Promise<void> {
  const limit = env("RATE_LIMIT_WRITES_PER_MINUTE");
  const key = !actor
    ? `write:ip:${clientAddress(req.headers)}`
    : actor.tokenId
      ? `write:token:${actor.tokenId}`
      : `write:user:${actor.userId}`;
  const result = await consumeRateLimit(key, limit);
  if (!result.allowed) {
    throw new ApiError(
      "rate_limited",
      `Too many writes; at most ${limit} a minute. Retry after ${result.resetSeconds} s.`,
      {
        headers: { "retry-after": String(result.resetSeconds) },
      },
    );
  }
}
