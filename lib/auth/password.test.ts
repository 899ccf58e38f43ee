import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "./password";

// The old format (N=2^14), cheap to make: what accounts created before the change still hold.
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

describe("password hashing", () => {
  // Each hash at today's cost takes ~0.4 s: this test makes one and verifies twice.
  it("hashes with OWASP's scrypt parameters (N=2^17, r=8, p=1), salted, and verifies only the right password", async () => {
    const a = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(needsRehash(a)).toBe(false);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("wrong horse", a)).toBe(false);
  }, 20_000);

  it("reads the parameters from the stored hash, so old hashes still verify and are flagged for rehashing", async () => {
    const old = legacyHash("correct horse");
    expect(await verifyPassword("correct horse", old)).toBe(true);
    expect(await verifyPassword("wrong horse", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("refuses malformed or absurd hashes without computing anything", async () => {
    expect(await verifyPassword("x", null)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
    expect(await verifyPassword("x", "scrypt$1000$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5")).toBe(false); // N not a power of two
    expect(await verifyPassword("x", "scrypt$1073741824$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5")).toBe(false); // 2^30: a DoS, not a hash
    expect(await verifyPassword("x", "argon2id$v=19$m=65536$abc$def")).toBe(false);
  });

  it("has a dummy hash at today's cost that no password matches", async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("", DUMMY_PASSWORD_HASH)).toBe(false);
  }, 20_000);
});
