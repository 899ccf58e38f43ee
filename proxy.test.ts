import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch, unstable_getResponseFromNextConfig } from "next/experimental/testing/server";
import { config, pageCsp, proxy } from "./proxy";
import nextConfig from "./next.config";

afterEach(() => {
  vi.unstubAllEnvs();
});

const at = (path: string, headers: Record<string, string> = {}) =>
  proxy(new NextRequest(`http://localhost:3000${path}`, { headers }));

describe("proxy security headers", () => {
  it("gives every page a CSP with a fresh nonce, also handed to the render", () => {
    const a = at("/settings/tokens");
    const b = at("/settings/tokens");
    const csp = a.headers.get("content-security-policy")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)![1];
    expect(nonce.length).toBeGreaterThanOrEqual(20);
    expect(b.headers.get("content-security-policy")).not.toContain(nonce);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    // NextResponse.next({ request }) passes request headers to the render this way.
    expect(a.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(a.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("allows eval only for next dev", () => {
    expect(pageCsp("n", { https: false, dev: true })).toContain("'unsafe-eval'");
    expect(pageCsp("n", { https: false, dev: false })).not.toContain("'unsafe-eval'");
  });

  it("gives next-auth's pages under /api/auth a CSP of their own, without a nonce", () => {
    const csp = at("/api/auth/signout").headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toContain("nonce");
  });

  it("sends HSTS only when served over https", () => {
    expect(at("/").headers.get("strict-transport-security")).toBeNull();
    // A client cannot claim https on its own.
    expect(at("/", { "x-forwarded-proto": "https" }).headers.get("strict-transport-security")).toBeNull();
    vi.stubEnv("ONRAMP_TRUST_PROXY", "true");
    expect(at("/api/auth/session", { "x-forwarded-proto": "https" }).headers.get("strict-transport-security")).toMatch(
      /max-age=\d+/,
    );
    expect(at("/", { "x-forwarded-proto": "http" }).headers.get("strict-transport-security")).toBeNull();
    vi.stubEnv("ONRAMP_TRUST_PROXY", "");
    vi.stubEnv("NEXTAUTH_URL", "https://onramp.example");
    const page = at("/");
    expect(page.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
    expect(page.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });
});

describe("which requests the proxy sees", () => {
  const runs = (url: string) => unstable_doesMiddlewareMatch({ config, url });

  it("runs for pages and next-auth's routes, not for the API or build assets", () => {
    for (const url of ["/", "/settings/tokens", "/onboarding/abc", "/sign-in", "/api-docs", "/api"])
      expect(runs(url), url).toBe(true);
    for (const url of ["/api/auth/session", "/api/auth/callback/github", "/api/auth"])
      expect(runs(url), url).toBe(true);
    for (const url of ["/api/v1/me", "/api/v1/onboarding/x/watch", "/api/metrics", "/api/authx", "/_next/static/a.js"])
      expect(runs(url), url).toBe(false);
  });

  it("where it does not run, next.config.ts gives the API its CSP; next-auth keeps the proxy's", async () => {
    const headersAt = async (url: string) =>
      (await unstable_getResponseFromNextConfig({ url: `http://localhost:3000${url}`, nextConfig })).headers;
    for (const url of ["/api/v1/me", "/api/v1/onboarding/x/watch", "/api/metrics", "/api/authx"]) {
      const h = await headersAt(url);
      expect(h.get("content-security-policy"), url).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(h.get("x-frame-options"), url).toBe("DENY");
    }
    for (const url of ["/api/auth/session", "/", "/settings/tokens"]) {
      const h = await headersAt(url);
      expect(h.get("content-security-policy"), url).toBeNull();
      expect(h.get("x-content-type-options"), url).toBe("nosniff");
    }
  });
});
