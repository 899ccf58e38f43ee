import "server-only";
// The Octokit client of the GitHub provider and the one place GitHub's answers become
// ProviderErrors. Requests go through the guarded fetch (vetted address, no redirects), and an
// error never carries what the server said: operators, viewers included, read these messages
// in Verify Access reports, step errors and run logs, so each is a reason code and a sentence
// we wrote. GitHub's text is kept on GitHubRequestError only to tell refusals apart.
import { createHash } from "node:crypto";
import type { Octokit, RequestError } from "octokit";
import { log } from "@/lib/log/logger";
import { guardedFetch, refusalOf } from "@/lib/net/guarded-fetch";
import { ProviderError } from "../types";
import { withDeadline } from "@/lib/util/deadline";

/** Options Octokit passes through untouched to the throttle handlers. */
export interface CallOptions {
  signal: AbortSignal;
  onrampLog: (message: string) => void;
}

/** A ProviderError that keeps what GitHub said, so call sites can tell 422 "already exists" from other 422s. Never shown. */
export class GitHubRequestError extends ProviderError {
  readonly githubMessage: string;
  constructor(
    code: string,
    message: string,
    githubMessage: string,
    opts: { transient?: boolean; status?: number; remediation?: string },
  ) {
    super(code, message, opts);
    this.githubMessage = githubMessage;
    // Not enumerable: an error serialised anywhere (logs, JSON) does not carry GitHub's text.
    Object.defineProperty(this, "githubMessage", { enumerable: false });
  }
}

export const TOKEN_REMEDIATION =
  "Create a token for a user of the organization (classic: scopes repo and workflow, plus delete_repo for deprovisioning) and update the connection in Settings → Connections.";

/** Codes of calls the address guard refused; reported as they are, never retried. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(["target_address_refused", "upstream_redirect_refused"]);

let octokitModule: Promise<typeof import("octokit")> | undefined;

/**
 * Imported on first use, not statically: this package's .ts files run as CommonJS under tsx
 * (`npm run worker`), where a static import becomes require() and octokit's ESM-only
 * dependencies (@octokit/auth-unauthenticated has no "require" export) fail to load.
 */
function loadOctokit(): Promise<typeof import("octokit")> {
  octokitModule ??= import("octokit");
  return octokitModule;
}

export function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === "TimeoutError";
}

function githubText(err: RequestError): string {
  const data = err.response?.data as { message?: unknown; errors?: unknown } | string | undefined;
  if (typeof data === "string") return data.slice(0, 300);
  const parts: string[] = [];
  if (typeof data?.message === "string") parts.push(data.message);
  if (Array.isArray(data?.errors)) {
    for (const e of data.errors as unknown[]) {
      if (typeof e === "string") parts.push(e);
      else if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string")
        parts.push((e as { message: string }).message);
    }
  }
  return parts.join(" — ");
}

function isRateLimited(err: RequestError): boolean {
  if (err.status === 429) return true;
  if (err.status !== 403) return false;
  const headers = err.response?.headers ?? {};
  return headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(githubText(err));
}

function rateLimitWait(err: RequestError): string {
  const headers = err.response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  if (retryAfter > 0) return `retry after ${retryAfter} s`;
  const reset = Number(headers["x-ratelimit-reset"]);
  if (reset > 0) return `the limit resets at ${new Date(reset * 1000).toISOString()}`;
  return "retry later";
}

/** A system error code such as ECONNREFUSED from anywhere in the cause chain: ours to show, unlike its message. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface GitHubClientConfig {
  token: string;
  baseUrl?: string;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  maxRateLimitRetries: number;
  maxRateLimitWaitSeconds: number;
  serverErrorRetries: number;
  retryBaseMs: number;
}

export interface GitHubClient {
  octokit: Octokit;
  RequestError: typeof RequestError;
}

/** The client, built on first use. */
export function githubClient(config: GitHubClientConfig): () => Promise<GitHubClient> {
  const { token, requestTimeoutMs, maxRateLimitRetries, maxRateLimitWaitSeconds, retryBaseMs } = config;
  const baseFetch = config.fetch ?? (guardedFetch as typeof fetch);

  // The caller's signal aborts the whole call; this adds a deadline per HTTP attempt, body
  // included (so it is not cleared when the headers arrive; its timer is unref'd). Not
  // AbortSignal.timeout: lib/util/deadline.ts says why.
  const timedFetch: typeof fetch = (input, init) =>
    baseFetch(input, { ...init, signal: withDeadline(requestTimeoutMs, init?.signal ?? undefined).signal });

  const onLimit =
    (kind: "primary" | "secondary") =>
    (
      retryAfter: number,
      options: { method: string; url: string; request?: Partial<CallOptions> },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const say = options.request?.onrampLog ?? (() => {});
      const what = `${options.method} ${options.url}`;
      if (retryCount >= maxRateLimitRetries) {
        say(`GitHub ${kind} rate limit on ${what}: giving up after ${retryCount} retries`);
        return false;
      }
      if (retryAfter > maxRateLimitWaitSeconds) {
        say(
          `GitHub ${kind} rate limit on ${what}: retry-after ${retryAfter} s is longer than ${maxRateLimitWaitSeconds} s, not waiting in-process`,
        );
        return false;
      }
      say(
        `GitHub ${kind} rate limit on ${what}: retrying in ${retryAfter} s (retry ${retryCount + 1} of ${maxRateLimitRetries})`,
      );
      return true;
    };

  let client: Promise<GitHubClient> | undefined;
  return () =>
    (client ??= loadOctokit().then(({ Octokit, RequestError }) => ({
      RequestError,
      octokit: new Octokit({
        auth: token,
        baseUrl: config.baseUrl,
        userAgent: "onramp",
        // Octokit's notices (deprecations) go to the server log, never to the console or a run log.
        log: {
          debug: () => {},
          info: () => {},
          warn: (m: string) => log.warn({ source: "octokit" }, m),
          error: (m: string) => log.warn({ source: "octokit" }, m),
        },
        // The guarded fetch refuses redirects itself, whatever is asked here.
        request: { fetch: timedFetch },
        retry: {
          retries: config.serverErrorRetries,
          retryAfterBaseValue: retryBaseMs,
          // 429 belongs to the throttle handlers (bounded, logged); retrying it here too would multiply attempts.
          doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
        },
        throttle: {
          // Octokit's limiters are process-wide and keyed by id: one key per credential, never the token itself.
          id: `onramp-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`,
          retryAfterBaseValue: retryBaseMs,
          onRateLimit: onLimit("primary"),
          onSecondaryRateLimit: onLimit("secondary"),
        },
      }),
    })));
}

/** Maps anything an Octokit call threw to a ProviderError whose message holds nothing the server sent. */
export function toProviderError(
  err: unknown,
  what: string,
  RequestErrorClass: typeof RequestError,
  requestTimeoutMs: number,
  scrub: (text: string) => string,
): ProviderError {
  if (err instanceof ProviderError) return err;
  const refusal = refusalOf(err);
  if (refusal) {
    return new ProviderError(refusal.code, `GitHub call ${what} refused: ${refusal.message}`, {
      status: refusal.status,
      remediation:
        "Use the public HTTPS address of the GitHub API (GitHub Enterprise Server: https://HOST/api/v3) in Settings → Connections.",
    });
  }
  if (err instanceof RequestErrorClass) {
    if (!err.response) {
      if (isTimeout((err as { cause?: unknown }).cause)) return timeoutError(what, requestTimeoutMs);
      const code = networkCode((err as { cause?: unknown }).cause);
      return new ProviderError("github_unreachable", `Could not reach GitHub for ${what}${code ? ` (${code})` : ""}.`, {
        transient: true,
        remediation: "Check this server's network access to the GitHub API (baseUrl, proxy, DNS).",
      });
    }
    const text = scrub(githubText(err));
    const status = err.status;
    if (isRateLimited(err)) {
      return new GitHubRequestError(
        "github_rate_limited",
        `GitHub rate limit reached on ${what}; ${rateLimitWait(err)}.`,
        text,
        {
          transient: true,
          status,
          remediation:
            "Onramp retries with backoff. If it keeps happening, give Onramp a token that other automation does not share.",
        },
      );
    }
    if (status === 401) {
      return new GitHubRequestError("github_token_invalid", `GitHub rejected the token (401 on ${what}).`, text, {
        status,
        remediation: TOKEN_REMEDIATION,
      });
    }
    if (status >= 500) {
      return new GitHubRequestError("github_unavailable", `GitHub answered ${status} to ${what}.`, text, {
        transient: true,
        status,
        remediation: "GitHub is having trouble (see githubstatus.com); the step is retried.",
      });
    }
    return new GitHubRequestError("github_request_rejected", `GitHub refused ${what} (${status}).`, text, { status });
  }
  if (isTimeout(err)) return timeoutError(what, requestTimeoutMs);
  // Our defect or the SDK's: the details go to the server log, not to the operator.
  log.warn(
    { what, error: scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) },
    "unexpected failure of a GitHub call",
  );
  return new ProviderError("github_unexpected", `Unexpected failure during ${what}; the worker log has the details.`);
}

function timeoutError(what: string, requestTimeoutMs: number): ProviderError {
  return new ProviderError("github_timeout", `GitHub did not answer ${what} within ${requestTimeoutMs / 1000} s.`, {
    transient: true,
    remediation: "GitHub is slow or unreachable from this server; the step is retried.",
  });
}
