// The fixed-window counters in PostgreSQL (lib/api/rate-limit.ts): a window allows exactly its
// limit, keys count apart, and a counter left from an earlier window starts again at one. The
// window's start is stored as UTC whatever the process's time zone, so processes in different
// zones share windows.
import { afterAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { uniqueId } from "@/test/fixtures";
import { consumeRateLimit } from "./rate-limit";

const tz = process.env.TZ;
afterAll(() => {
  process.env.TZ = tz;
});

it("allows the limit in a window, refuses the next with the seconds to wait, and counts keys apart", async () => {
  process.env.TZ = "Pacific/Auckland";
  const [key, other] = [uniqueId("rl"), uniqueId("rl")];
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await consumeRateLimit(key, 3));
  expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
    [true, 2],
    [true, 1],
    [true, 0],
    [false, 0],
  ]);
  expect(results[3].resetSeconds).toBeGreaterThanOrEqual(1);
  expect(results[3].resetSeconds).toBeLessThanOrEqual(60);
  expect(await consumeRateLimit(other, 3)).toMatchObject({ allowed: true, remaining: 2 });
  const { windowStart } = await db().rateLimitCounter.findUniqueOrThrow({ where: { key } });
  expect(windowStart.getTime()).toBe(Math.floor(Date.now() / 60_000) * 60_000);
});

it("starts a counter left from an earlier window again at one", async () => {
  const key = uniqueId("rl");
  for (let i = 0; i < 3; i++) await consumeRateLimit(key, 3);
  await db().rateLimitCounter.update({
    where: { key },
    data: { windowStart: new Date(Date.now() - 5 * 60_000) },
  });
  expect(await consumeRateLimit(key, 3)).toMatchObject({ allowed: true, remaining: 2 });
});
