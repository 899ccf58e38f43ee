// What a request says about where it came from, and how far to believe it. Forwarded headers
// (X-Forwarded-For/-Host/-Proto) are set by whoever is in front of us: only a proxy we run
// (ONRAMP_TRUST_PROXY=true) is believed; otherwise the public URL we were configured with
// decides what "our origin" is.

/** Whether a reverse proxy we control sits in front and sets the X-Forwarded-* headers. */
export function trustProxy(): boolean {
  return process.env.ONRAMP_TRUST_PROXY === "true";
}

let parsedOrigin: { configured: string; origin: string | null } | null = null;

/** The configured public origin (`NEXTAUTH_URL`, e.g. https://onramp.example.com), if any. */
export function publicOrigin(): string | null {
  const configured = process.env.NEXTAUTH_URL;
  if (!configured) return null;
  // Asked on every API request (HSTS, CSRF): parsed once per value, not per request.
  if (parsedOrigin?.configured !== configured) {
    let origin: string | null = null;
    try {
      origin = new URL(configured).origin;
    } catch {
      origin = null;
    }
    parsedOrigin = { configured, origin };
  }
  return parsedOrigin.origin;
}

/**
 * The client's address for rate limits: the nearest hop of X-Forwarded-For. Next.js sets that
 * header from the socket when the client did not send one; a client that sends one is only
 * believed when a trusted proxy overwrote or appended it.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return "unknown";
  const hops = forwarded
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const nearest = hops.at(-1) ?? "unknown";
  return nearest.slice(0, 64);
}

/** The first value of a comma-separated forwarded header (the hop nearest the client). */
function firstForwarded(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.split(",")[0]?.trim();
  return value ? value : null;
}

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin (scheme, host, port) a browser on our own pages sends as `Origin`: the configured
 * public URL when there is one; otherwise the request's own — X-Forwarded-Host/-Proto only
 * from a trusted proxy, else the Host header over plain http (`next start` serves no TLS).
 */
export function expectedOrigin(headers: Headers): string | null {
  const configured = publicOrigin();
  if (configured) return configured;
  const trusted = trustProxy();
  const host = (trusted ? firstForwarded(headers, "x-forwarded-host") : null) ?? headers.get("host");
  const proto = (trusted ? firstForwarded(headers, "x-forwarded-proto")?.toLowerCase() : null) ?? "http";
  if (!host || !HOST.test(host) || (proto !== "http" && proto !== "https")) return null;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Whether the browser reached us over https (for HSTS): the public URL, or a trusted proxy says so. */
export function servedOverHttps(headers: Headers): boolean {
  const configured = publicOrigin();
  if (configured) return configured.startsWith("https:");
  return trustProxy() && firstForwarded(headers, "x-forwarded-proto")?.toLowerCase() === "https";
}
