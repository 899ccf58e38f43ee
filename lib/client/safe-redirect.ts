// Where to go after sign-in. Only a path on this site is followed: browsers forgive a lot in a
// URL ("/\t/evil.example" and "/\\evil.example" both leave the site, "%0a" reaches a Location
// header and fails it), so anything unusual falls back rather than being repaired.

const PROBE_ORIGIN = "http://x.invalid";

/** C0 controls and DEL, raw or percent-encoded, and backslashes, raw or percent-encoded. */
const FORBIDDEN = /[\u0000-\u001f\u007f\\]|%(?:[01][0-9a-f]|7f|5c)/i;

/** Whether `value` is a path on this site that is safe to redirect to. */
export function isSafeLocalPath(value: string): boolean {
  if (value.length > 2048 || !value.startsWith("/")) return false;
  if (FORBIDDEN.test(value)) return false;
  // "//host", and "/%2f/host" or "/%2F%2Fhost" once a server or browser decodes the slashes.
  const slashesDecoded = value.replace(/%2f/gi, "/");
  if (slashesDecoded.startsWith("//")) return false;
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN;
  } catch {
    return false;
  }
}

/** Only same-site paths are followed after sign-in ("//evil.example" is not a path). */
export function safeCallbackUrl(raw: string | string[] | null | undefined, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !isSafeLocalPath(value)) return fallback;
  if (value.startsWith("/sign-in")) return fallback;
  return value;
}

/**
 * For next-auth's `redirect` callback: a same-site path or an absolute URL on `baseUrl`'s
 * origin; anything else goes to `baseUrl`.
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  if (url.startsWith("/")) return isSafeLocalPath(url) ? `${baseUrl}${url}` : baseUrl;
  try {
    const parsed = new URL(url);
    if (parsed.origin !== new URL(baseUrl).origin) return baseUrl;
    const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    return isSafeLocalPath(path) && !FORBIDDEN.test(url) ? parsed.href : baseUrl;
  } catch {
    return baseUrl;
  }
}
