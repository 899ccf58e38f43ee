// What a request says about where it came from, and how far to believe it. Forwarded headers
// (X-Forwarded-For/-Host/-Proto) are set by whoever is in front of us: only a proxy we run
// (ONRAMP_TRUST_PROXY=true) is believed; otherwise the public URL we were configured with
// decides what "our origin" is.

/** Whether a reverse proxy we control sits in front and sets the X-Forwarded-* headers. */
export function trustProxy(): boolean {
  return process.env.ONRAMP_TRUST_PROXY === "true";
}

/** The configured public origin (`NEXTAUTH_URL`, e.g. https://onramp.example.com), if any. */
export function publicOrigin(): string | null {
  const configured = process.env.NEXTAUTH_URL;
  if (!configured) return null;
  try {
    return new URL(configured).origin;
  } catch {
    return null;
  }
}

/**
 * The client's address for rate limits: the nearest hop of X-Forwarded-For. Next.js sets that
 * header from the socket when the client did not send one; a client that sends one is only
 * believed when a trusted proxy overwrote or appended it.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return "unknown";
  const hops = forwarded.split(",").map((h) => h.trim()).filter(Boolean);
  const nearest = hops.at(-1) ?? "unknown";
  return nearest.slice(0, 64);
}
