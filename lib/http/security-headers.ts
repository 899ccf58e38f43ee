// The security headers, declared once. Static ones go out through next.config.ts `headers()` (no
// code per request); the page CSP needs a fresh nonce and is set by proxy.ts, which therefore runs
// for pages and next-auth's routes only. The API's routes skip the proxy — it cost about as much
// as Next.js' own routing per request (BENCHMARKS.md) — and get their CSP from the config and
// HSTS from the route wrapper (lib/api/handler.ts).

export const HSTS = "max-age=31536000; includeSubDomains";

/** API responses are data, never documents: nothing may load, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** next-auth answers a few plain HTML pages (its error page, the sign-out form) with inline styles. */
export const AUTH_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers for every response (pages, API, build assets). */
export const STATIC_SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/**
 * The API's paths that the proxy does not see: every /api/… except next-auth's /api/auth/…
 * (path-to-regexp, as next.config.ts `headers()` reads it; proxy.ts' matcher says the same).
 */
export const API_WITHOUT_PROXY_SOURCE = "/api/:path((?!auth(?:/|$)).*)";
