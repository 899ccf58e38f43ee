// Email + password sign-in through next-auth's authorize: constant cost for unknown emails,
// rehash of old hashes on success. (Limits: sign-in-limits.integration.test.ts.)
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { uniqueId } from "@/test/fixtures";
import { authOptions } from "./next-auth";
import { hashPassword, verifyPassword } from "./password";

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<{ id: string } | null>;
const authorize = (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
const signIn = (
  email: string,
  password: string,
  ip = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
) => authorize({ email, password }, { headers: { "x-forwarded-for": ip } });

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

describe("password sign-in", () => {
  it("takes as long for an unknown email as for a wrong password (no account enumeration by timing)", async () => {
    const email = `${uniqueId("timing")}@example.test`;
    await db().user.create({ data: { email, passwordHash: await hashPassword("the-right-password") } });
    const noHash = await db().user.create({ data: { email: `${uniqueId("nohash")}@example.test` } });
    // Warm-up: the first scrypt of a process pays for allocating its memory.
    await signIn(`${uniqueId("warm")}@example.test`, "x");

    const [wrong, wrongMs] = await timed(() => signIn(email, "not-the-password"));
    const [unknown, unknownMs] = await timed(() => signIn(`${uniqueId("nobody")}@example.test`, "not-the-password"));
    const [passwordless, passwordlessMs] = await timed(() => signIn(noHash.email, "not-the-password"));
    expect(wrong).toBeNull();
    expect(unknown).toBeNull();
    expect(passwordless).toBeNull();
    // Before the fix: wrong password ≈ one scrypt, unknown email ≈ one query (ratio > 5).
    // Generous bounds, the machine is shared: within a factor of 2.5 of each other.
    expect(unknownMs / wrongMs).toBeGreaterThan(0.4);
    expect(unknownMs / wrongMs).toBeLessThan(2.5);
    expect(passwordlessMs / wrongMs).toBeGreaterThan(0.4);
    expect(Math.min(unknownMs, passwordlessMs)).toBeGreaterThan(50);
  }, 60_000);

  it("rehashes an old-parameter hash at the next successful sign-in, without ending sessions", async () => {
    const email = `${uniqueId("legacy")}@example.test`;
    const salt = randomBytes(16);
    const legacy = `scrypt$16384$8$1$${salt.toString("base64url")}$${scryptSync("old-but-right", salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64url")}`;
    const user = await db().user.create({ data: { email, passwordHash: legacy } });

    expect(await signIn(email, "wrong")).toBeNull();
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(legacy);

    expect(await signIn(email.toUpperCase(), "old-but-right")).toMatchObject({ id: user.id });
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword("old-but-right", after.passwordHash)).toBe(true);
    expect(after.sessionVersion).toBe(user.sessionVersion);
  }, 60_000);
});
