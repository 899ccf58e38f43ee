// Sign-in limits per client address, per email+address and per email (lib/auth/authenticate-password.ts).
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { uniqueId } from "@/test/fixtures";

// The limits are what is tested: a cheap stand-in for scrypt keeps 30+ attempts fast.
vi.mock("./password", () => ({
  DUMMY_PASSWORD_HASH: "dummy",
  verifyPassword: async (password: string, stored: string | null) => stored === `plain:${password}`,
  needsRehash: () => false,
  hashPassword: async (password: string) => `plain:${password}`,
}));

const { authOptions } = await import("./next-auth");

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<{ id: string } | null>;
const authorize = (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
const attempt = (email: string, password: string, ip: string) =>
  authorize({ email, password }, { headers: { "x-forwarded-for": ip } });
const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

// Fixed one-minute windows: start well inside one so a test never straddles two.
beforeEach(async () => {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
});

describe("sign-in limits", () => {
  it("throttles one address spraying 31 emails, while the attacked account still signs in from elsewhere", async () => {
    const victim = await db().user.create({
      data: { email: `${uniqueId("victim")}@example.test`, passwordHash: "plain:victim-password" },
    });
    const attacker = randomIp();
    const emails = [victim.email, ...Array.from({ length: 30 }, () => `${uniqueId("spray")}@example.test`)];
    const results: string[] = [];
    for (const email of emails) {
      results.push(
        await attempt(email, "guess", attacker).then(
          () => "ok",
          (e: Error) => e.message,
        ),
      );
    }
    expect(results.slice(0, 30).every((r) => r === "ok")).toBe(true);
    expect(results[30]).toMatch(/Too many sign-in attempts/);
    // Once throttled, even the right password from that address is refused…
    await expect(attempt(victim.email, "victim-password", attacker)).rejects.toThrow(/Too many/);
    // …but the victim, elsewhere, is not locked out.
    expect(await attempt(victim.email, "victim-password", randomIp())).toMatchObject({ id: victim.id });
  }, 60_000);

  it("limits guesses at one email from one address below the per-email limit, so one address cannot lock the owner out", async () => {
    const victim = await db().user.create({
      data: { email: `${uniqueId("victim")}@example.test`, passwordHash: "plain:victim-password" },
    });
    const attacker = randomIp();
    for (let i = 0; i < 5; i++) expect(await attempt(victim.email, `guess-${i}`, attacker)).toBeNull();
    await expect(attempt(victim.email, "guess-6", attacker)).rejects.toThrow(/Too many/);
    await expect(attempt(victim.email, "guess-7", attacker)).rejects.toThrow(/Too many/);
    expect(await attempt(victim.email, "victim-password", randomIp())).toMatchObject({ id: victim.id });
  });

  it("still limits one email across addresses (a distributed guess)", async () => {
    const victim = await db().user.create({
      data: { email: `${uniqueId("victim")}@example.test`, passwordHash: "plain:victim-password" },
    });
    for (let i = 0; i < 10; i++) expect(await attempt(victim.email, `guess-${i}`, randomIp())).toBeNull();
    await expect(attempt(victim.email, "victim-password", randomIp())).rejects.toThrow(/Too many/);
  });

  it("counts an IPv6 client per /64, so rotating addresses inside its prefix does not help", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    for (let i = 0; i < 30; i++)
      await attempt(`${uniqueId("spray")}@example.test`, "x", `${prefix}:${(i + 1).toString(16)}::1`);
    await expect(attempt(`${uniqueId("spray")}@example.test`, "x", `${prefix}:ffff::1`)).rejects.toThrow(/Too many/);
  });

  it("reads the nearest X-Forwarded-For hop as the address", async () => {
    const attacker = randomIp();
    for (let i = 0; i < 30; i++) await attempt(`${uniqueId("spray")}@example.test`, "x", `1.2.3.${i}, ${attacker}`);
    await expect(attempt(`${uniqueId("spray")}@example.test`, "x", attacker)).rejects.toThrow(/Too many/);
  });
});
