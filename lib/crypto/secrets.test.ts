import { beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secrets";

beforeAll(() => {
  process.env.ONRAMP_ENCRYPTION_KEY = "11".repeat(32);
});

describe("AES-256-GCM secrets", () => {
  it("round-trips, never contains the plaintext, and refuses a different record's aad or a tampered text", () => {
    const sealed = encryptSecret("ghp_supersecret", "conn-1");
    expect(sealed).not.toContain("supersecret");
    expect(decryptSecret(sealed, "conn-1")).toBe("ghp_supersecret");
    expect(() => decryptSecret(sealed, "conn-2")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join("."), "conn-1")).toThrow();
  });
});
