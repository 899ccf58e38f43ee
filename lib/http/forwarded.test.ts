import { afterEach, describe, expect, it, vi } from "vitest";
import { publicOrigin, servedOverHttps } from "./forwarded";

afterEach(() => vi.unstubAllEnvs());

describe("publicOrigin", () => {
  it("follows NEXTAUTH_URL when it changes (parsed once per value)", () => {
    vi.stubEnv("NEXTAUTH_URL", "https://onramp.example/some/path");
    expect(publicOrigin()).toBe("https://onramp.example");
    expect(publicOrigin()).toBe("https://onramp.example");
    vi.stubEnv("NEXTAUTH_URL", "http://127.0.0.1:3000");
    expect(publicOrigin()).toBe("http://127.0.0.1:3000");
    expect(servedOverHttps(new Headers())).toBe(false);
    vi.stubEnv("NEXTAUTH_URL", "not a url");
    expect(publicOrigin()).toBeNull();
    vi.stubEnv("NEXTAUTH_URL", "");
    expect(publicOrigin()).toBeNull();
  });
});
