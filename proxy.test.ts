import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { pageCsp, proxy } from "./proxy";

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

  it("gives API responses a CSP that loads and frames nothing, without a nonce", () => {
    const csp = at("/api/v1/me").headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("nonce");
  });

  it("sends HSTS only when served over https", () => {
    expect(at("/").headers.get("strict-transport-security")).toBeNull();
    // A client cannot claim https on its own.
    expect(at("/", { "x-forwarded-proto": "https" }).headers.get("strict-transport-security")).toBeNull();
    vi.stubEnv("ONRAMP_TRUST_PROXY", "true");
    expect(at("/api/v1/me", { "x-forwarded-proto": "https" }).headers.get("strict-transport-security")).toMatch(
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
