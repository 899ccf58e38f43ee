// Security headers that depend on the request (Next 16's proxy, formerly middleware): a CSP
// with a fresh nonce for every page, which Next.js puts on its own scripts when it finds the
// policy in the request headers (so every page renders dynamically — see app/layout.tsx), and
// HSTS when the browser reached us over https. Static headers are in next.config.ts.
// It runs for every API request too (the wizard polls every 5 s): no database, no I/O here.
import { NextResponse, type NextRequest } from "next/server";
import { servedOverHttps } from "@/lib/http/forwarded";

const HSTS = "max-age=31536000; includeSubDomains";
/** API responses are data, never documents: nothing may load, nobody may frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** next-auth answers a few plain HTML pages (its error page, the sign-out form) with inline styles. */
const AUTH_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function pageCsp(nonce: string, opts: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next.js loads from a nonced script are trusted; `next dev`
    // evaluates modules with eval (React's dev tooling), a production build never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes are rendered on the server (progress bars, widths); a style
    // cannot run code, so they are allowed rather than nonced.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const https = servedOverHttps(request.headers);
  let response: NextResponse;
  if (request.nextUrl.pathname.startsWith("/api/")) {
    response = NextResponse.next();
    response.headers.set(
      "Content-Security-Policy",
      request.nextUrl.pathname.startsWith("/api/auth/") ? AUTH_CSP : API_CSP,
    );
  } else {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
    const csp = pageCsp(nonce, { https, dev: process.env.NODE_ENV === "development" });
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
    response.headers.set("Content-Security-Policy", csp);
  }
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  // Build assets are immutable files: the static headers of next.config.ts cover them.
  matcher: ["/((?!_next/static|_next/image|favicon.svg).*)"],
};
