import "server-only";
// fetch for every URL an operator gives us (webhooks, GitHub, provider APIs). The address check
// sits in the socket connector of an undici Agent: the name is resolved once, every address is
// vetted, and the socket is opened to exactly the vetted address — no second resolution for a
// rebinding DNS server to answer differently, and no request (redirect hop, keep-alive
// reconnect, IP literal) that skips the check. Redirects are refused rather than followed: a
// 3xx is an error carrying our own message, never the response's body.
import { lookup as dnsLookup } from "node:dns/promises";
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { classifyAddress, defaultAddressPolicy, parseAddress, type AddressPolicy } from "./address-guard";

export type RefusalCode = "target_address_refused" | "upstream_redirect_refused";

/** A call we refused to make or to follow. The message is ours and safe to show an operator. */
export class UpstreamRefusedError extends Error {
  readonly code: RefusalCode;
  /** The HTTP status of a refused redirect. */
  readonly status?: number;
  constructor(code: RefusalCode, message: string, status?: number) {
    super(message);
    this.name = "UpstreamRefusedError";
    this.code = code;
    this.status = status;
  }
}

/** The refusal behind an error, however deeply fetch or an SDK wrapped it. */
export function refusalOf(err: unknown): UpstreamRefusedError | null {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof UpstreamRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export interface GuardedFetchOptions {
  /** Which resolved addresses may be connected to (default: public only while the guard is on). */
  isAllowed?: AddressPolicy;
  /** Name resolution (default: the system resolver, every address). */
  lookup?: Resolver;
  connectTimeoutMs?: number;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

function refuseAddress(hostname: string, address: string): UpstreamRefusedError {
  const { range } = classifyAddress(address);
  return new UpstreamRefusedError(
    "target_address_refused",
    `${hostname} is an internal address (${range}); the server does not connect to it.`,
  );
}

/**
 * Resolves a host once and returns the address to connect to. Every address of the answer must
 * pass, not just the first: the system could otherwise pick another one than we checked.
 */
async function vetHost(hostname: string, isAllowed: AddressPolicy, lookup: Resolver): Promise<string> {
  const host = stripBrackets(hostname);
  const literal = parseAddress(host);
  const addresses = literal
    ? [literal.toString()]
    : (await lookup(host)).map((a) => parseAddress(a.address)?.toString() ?? a.address);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} did not resolve`), { code: "ENOTFOUND" });
  const refused = addresses.find((a) => !isAllowed(a));
  if (refused !== undefined) throw refuseAddress(host, refused);
  return addresses[0];
}

/**
 * Node's global FormData is not the undici package's class, so undici would send it as the
 * text "[object FormData]". It is encoded here (by the global Response, which knows it) into
 * bytes plus its multipart content type. The Cloudflare SDK sends Worker uploads this way.
 */
async function withPortableBody(init: RequestInit | undefined): Promise<RequestInit | undefined> {
  if (!init || !(init.body instanceof globalThis.FormData)) return init;
  const encoded = new Response(init.body);
  const headers = new Headers(init.headers);
  headers.set("content-type", encoded.headers.get("content-type") ?? "multipart/form-data");
  return { ...init, headers, body: new Uint8Array(await encoded.arrayBuffer()) };
}

export type GuardedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createGuardedFetch(
  options: GuardedFetchOptions = {},
): GuardedFetch & { check: (url: string) => Promise<void>; Response: typeof Response } {
  const isAllowed = options.isAllowed ?? defaultAddressPolicy;
  const lookup = options.lookup ?? systemResolver;
  const base = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000 });
  const agent = new Agent({
    connect: (opts, callback) => {
      const hostname = stripBrackets(opts.hostname);
      vetHost(hostname, isAllowed, lookup).then(
        (address) =>
          base(
            // TLS still verifies the certificate against the name (SNI), not the address.
            {
              ...opts,
              hostname: address,
              servername: opts.servername || (parseAddress(hostname) ? undefined : hostname),
            },
            callback,
          ),
        (err: Error) => callback(err, null),
      );
    },
  });

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = typeof input === "string" || input instanceof URL ? null : input;
    const url = new URL(request ? request.url : input.toString());
    // An IP literal is refused before any connection is attempted, with the same message.
    const literal = parseAddress(url.hostname);
    if (literal && !isAllowed(literal.toString())) throw refuseAddress(stripBrackets(url.hostname), literal.toString());
    const fromRequest: RequestInit = request
      ? {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: request.signal,
          ...({ duplex: "half" } as object),
        }
      : {};
    const res = await undiciFetch(url, {
      ...(fromRequest as UndiciRequestInit),
      ...((await withPortableBody(init)) as UndiciRequestInit),
      redirect: "manual",
      dispatcher: agent,
    });
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel().catch(() => undefined);
      throw new UpstreamRefusedError(
        "upstream_redirect_refused",
        `${url.host} answered ${res.status} with a redirect; redirects are not followed.`,
        res.status,
      );
    }
    return res as unknown as Response;
  };
  return Object.assign(guarded, {
    check: async (url: string) => void (await vetHost(new URL(url).hostname, isAllowed, lookup)),
    // SDKs (Cloudflare's) probe `fetch.Response` to learn whether this fetch can send the global
    // FormData; it can (withPortableBody), so they are told the global class.
    Response: globalThis.Response,
  });
}

/** The fetch for every outbound call to an operator-supplied URL; the Cloudflare SDK takes it as `fetch`. */
export const guardedFetch = createGuardedFetch();

/** Throws UpstreamRefusedError when the URL's host is (or resolves to) a refused address. */
export function assertPublicTarget(url: string): Promise<void> {
  return guardedFetch.check(url);
}
