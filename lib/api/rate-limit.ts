import "server-only";
// Fixed-window rate limits kept in PostgreSQL, so they hold across every web process.
import { db } from "@/lib/db/client";

export async function consumeRateLimit(
  key: string,
  limitPerMinute: number,
): Promise<{ allowed: boolean; remaining: number; resetSeconds: number }> {
  if (!Number.isFinite(limitPerMinute) || limitPerMinute <= 0)
    return { allowed: true, remaining: Infinity, resetSeconds: 0 };
  const now = Date.now();
  const windowStart = new Date(Math.floor(now / 60_000) * 60_000);
  const rows = await db().$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitCounter" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitCounter"."windowStart" = EXCLUDED."windowStart" THEN "RateLimitCounter"."count" + 1 ELSE 1 END,
      "windowStart" = EXCLUDED."windowStart"
    RETURNING "count"`;
  const count = Number(rows[0]?.count ?? 1);
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now) / 1000));
  return { allowed: count <= limitPerMinute, remaining: Math.max(0, limitPerMinute - count), resetSeconds };
}
