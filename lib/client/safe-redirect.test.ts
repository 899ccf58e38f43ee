import { describe, expect, it } from "vitest";
import { isSafeLocalPath, safeCallbackUrl, safeRedirectUrl } from "./safe-redirect";

const HOSTILE = [
  "//evil.example/",
  "/%09/evil.example/",
  "/\t/evil.example/",
  "/%0a/evil.example/",
  "/\n/evil.example/",
  "/%0d%0aSet-Cookie:x=1",
  "/\r\nLocation: https://evil.example/",
  "/%00",
  "/\u0000",
  "/%7f/evil.example",
  "/\u007f",
  "/%1F",
  "/\\evil.example",
  "\\/evil.example",
  "/%5cevil.example",
  "/%5Cevil.example",
  "/%2f/evil.example",
  "/%2F%2Fevil.example",
  "https://evil.example/",
  "http://localhost:3000.evil.example/",
  "javascript:alert(1)",
  "evil.example",
  " /onboarding",
  "",
  "/" + "a".repeat(3000),
  "/sign-in",
  "/sign-in?callbackUrl=/x",
];

const FINE = ["/", "/onboarding", "/onboarding/abc?tab=runs#log", "/settings/tokens", "/runs/x%20y", "/a/%2fb"];

describe("safeCallbackUrl", () => {
  it.each(HOSTILE)("falls back to / for %j", (value) => {
    expect(safeCallbackUrl(value)).toBe("/");
  });

  it.each(FINE)("keeps the same-site path %j", (value) => {
    expect(safeCallbackUrl(value)).toBe(value);
  });

  it("takes the first of repeated parameters and falls back when absent", () => {
    expect(safeCallbackUrl(["/settings", "//evil.example"])).toBe("/settings");
    expect(safeCallbackUrl(["//evil.example", "/settings"])).toBe("/");
    expect(safeCallbackUrl(undefined, "/home")).toBe("/home");
    expect(safeCallbackUrl(null)).toBe("/");
  });

  it("never returns a value that resolves off-site or carries a control character", () => {
    for (const value of [...HOSTILE, ...FINE]) {
      const out = safeCallbackUrl(value);
      expect(new URL(out, "http://x.invalid").origin).toBe("http://x.invalid");
      expect(out).not.toMatch(/[\u0000-\u001f\u007f\\]/);
    }
  });
});

describe("isSafeLocalPath", () => {
  it("accepts plain paths only", () => {
    expect(isSafeLocalPath("/x")).toBe(true);
    expect(isSafeLocalPath("/%09/evil.example/")).toBe(false);
  });
});

describe("safeRedirectUrl (next-auth redirect callback)", () => {
  const base = "http://localhost:3000";
  it.each([
    ["/onboarding", `${base}/onboarding`],
    [`${base}/settings`, `${base}/settings`],
    ["/%0a", base],
    ["/%09/evil.example/", base],
    ["//evil.example", base],
    ["http://localhost:3000.evil.example/", base],
    ["https://localhost:3000/", base],
    ["http://localhost:3000/%0d%0a", base],
    ["not a url", base],
  ])("%j → %j", (url, expected) => {
    expect(safeRedirectUrl(url, base)).toBe(expected);
  });
});
