// Security headers that depend on the request (Next 16's proxy, formerly middleware): a CSP
// with a fresh nonce for every page, which Next.js puts on its own scripts when it finds the
// policy in the request headers (so every page renders dynamically — see app/layout.tsx), and
// HSTS when the browser reached us over https. Static headers are in next.config.ts.
// It does not run for the API (the matcher below): a proxy pass cost about as much per request
// as Next.js' own routing, and the wizard polls every 5 s. The API's CSP comes from
// next.config.ts, its HSTS from the route wrapper (lib/http/security-headers.ts). next-auth's
// routes under /api/auth still come here.
import { NextResponse, type NextRequest } from "next/server";
import { servedOverHttps } from "@/lib/http/forwarded";
import { AUTH_CSP, HSTS } from "@/lib/http/security-headers";

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
    response.headers.set("Content-Security-Policy", AUTH_CSP);
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
  // Build assets are immutable files: the static headers of next.config.ts cover them. Nor the
  // API, except next-auth's /api/auth/… (API_WITHOUT_PROXY_SOURCE says the same for the config).
  matcher: ["/((?!_next/static|_next/image|favicon.svg|api/(?!auth(?:/|$))).*)"],
};
