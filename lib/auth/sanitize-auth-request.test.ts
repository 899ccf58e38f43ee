import { afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import * as route from "@/app/api/auth/[...nextauth]/route";
import { sanitizeAuthRequest } from "./sanitize-auth-request";

const ORIGIN = "http://localhost:3917";
const ctx = { params: Promise.resolve({ nextauth: ["signin"] }) };

afterEach(() => {
  delete process.env.NEXTAUTH_URL;
});

describe("next-auth requests with a hostile callbackUrl", () => {
  it("are sent back to themselves with our origin instead of reaching next-auth (which answered 500)", async () => {
    process.env.NEXTAUTH_URL = ORIGIN;
    for (const hostile of [
      "http://localhost:3917.evil.example/",
      "https://evil.example/x",
      "//evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const req = new NextRequest(`${ORIGIN}/api/auth/signin?callbackUrl=${encodeURIComponent(hostile)}`);
      const res = await route.GET(req, ctx);
      expect(res.status, hostile).toBe(307);
      const location = new URL(res.headers.get("location")!);
      expect(location.origin).toBe(ORIGIN);
      expect(location.pathname).toBe("/api/auth/signin");
      expect(location.searchParams.get("callbackUrl")).toBe(ORIGIN);
    }
  });

  it("clears a callback-url cookie that is not ours, and keeps the method (307)", () => {
    process.env.NEXTAUTH_URL = ORIGIN;
    const req = new NextRequest(`${ORIGIN}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { cookie: "next-auth.callback-url=http%3A%2F%2Flocalhost%3A3917.evil.example%2F" },
    });
    const res = sanitizeAuthRequest(req)!;
    expect(res.status).toBe(307);
    expect(res.headers.get("set-cookie")).toMatch(/^next-auth\.callback-url=; Path=\/; Max-Age=0/);
  });

  it("lets same-origin callbacks through untouched", () => {
    process.env.NEXTAUTH_URL = ORIGIN;
    for (const ok of ["/onboarding/abc", `${ORIGIN}/settings/tokens?tab=1`]) {
      const req = new NextRequest(`${ORIGIN}/api/auth/signin?callbackUrl=${encodeURIComponent(ok)}`, {
        headers: { cookie: `next-auth.callback-url=${encodeURIComponent(`${ORIGIN}/`)}` },
      });
      expect(sanitizeAuthRequest(req), ok).toBeNull();
    }
    expect(sanitizeAuthRequest(new NextRequest(`${ORIGIN}/api/auth/session`))).toBeNull();
  });
});
