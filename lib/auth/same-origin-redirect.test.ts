import { describe, expect, it } from "vitest";
import { sameOriginRedirect } from "./same-origin-redirect";

const base = "http://localhost:3000";

describe("sameOriginRedirect", () => {
  it("keeps paths and URLs of our own origin", () => {
    expect(sameOriginRedirect("/onboarding/abc?x=1#y", base)).toBe("http://localhost:3000/onboarding/abc?x=1#y");
    expect(sameOriginRedirect("http://localhost:3000/settings/tokens", base)).toBe(
      "http://localhost:3000/settings/tokens",
    );
    expect(sameOriginRedirect("/%09/evil.example/", base)).toBe("http://localhost:3000/%09/evil.example/");
  });

  it("sends anything else to the base URL, never throwing (the 500 in the issue)", () => {
    for (const hostile of [
      "http://localhost:3000.evil.example/",
      "http://localhost:3000@evil.example/",
      "https://localhost:3000/",
      "//evil.example/",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "http://[::1",
      "",
    ]) {
      expect(() => sameOriginRedirect(hostile, base)).not.toThrow();
      const result = sameOriginRedirect(hostile, base);
      expect(new URL(result).origin, hostile).toBe(base);
      if (hostile !== "") expect(result, hostile).toBe(base);
    }
  });
});
