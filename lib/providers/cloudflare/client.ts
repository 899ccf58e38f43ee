import "server-only";
// The Cloudflare client: the official SDK with our fetch (the SSRF-guarded one in production),
// no SDK retries (the step executor owns retries and their budget), a per-request timeout, and
// one `call` wrapper that honours the step's signal and turns every failure into a reason code.
import Cloudflare from "cloudflare";
import { ProviderError } from "../types";
import { mapCloudflareError, type Operation } from "./errors";

export interface CloudflareClientOptions {
  apiToken: string;
  accountId: string;
  /** API root ending in /client/v4 (default Cloudflare's), e.g. a proxy or the local fake. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Per HTTP request (default 10 s); the step's own timeout bounds the whole call. */
  timeoutMs?: number;
}

export interface CallContext {
  signal: AbortSignal;
}

export interface CloudflareClient {
  readonly sdk: Cloudflare;
  readonly accountId: string;
  /** Runs one SDK call; every failure leaves as a ProviderError (see errors.ts). */
  call<T>(
    ctx: CallContext,
    op: Omit<Operation, "accountId">,
    fn: (sdk: Cloudflare, options: { signal: AbortSignal }) => Promise<T>,
  ): Promise<T>;
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new ProviderError("aborted", String(signal.reason ?? "aborted"), { transient: true });
}

export function createCloudflareClient(opts: CloudflareClientOptions): CloudflareClient {
  const sdk = new Cloudflare({
    apiToken: opts.apiToken,
    // The SDK would also read CLOUDFLARE_API_KEY/EMAIL from the environment; a connection's token is the only credential.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: opts.baseURL ?? "https://api.cloudflare.com/client/v4",
    // The SDK logs to the console by default; our errors are logged (redacted) by the executor.
    logLevel: "off",
    fetch: opts.fetch ?? globalThis.fetch,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 10_000,
    defaultHeaders: { "user-agent": "onramp" },
  });
  return {
    sdk,
    accountId: opts.accountId,
    async call(ctx, op, fn) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      try {
        return await fn(sdk, { signal: ctx.signal });
      } catch (err) {
        if (ctx.signal.aborted) throw abortError(ctx.signal);
        throw mapCloudflareError(err, { ...op, accountId: opts.accountId });
      }
    },
  };
}
