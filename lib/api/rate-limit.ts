import "server-only";
// Fixed-window rate limits kept in PostgreSQL, so they hold across every web process.
import { sqlWrite, utcTimestamp } from "@/lib/db/sql";

export async function consumeRateLimit(
  key: string,
  limitPerMinute: number,
): Promise<{ allowed: boolean; remaining: number; resetSeconds: number }> {
  if (!Number.isFinite(limitPerMinute) || limitPerMinute <= 0)
    return { allowed: true, remaining: Infinity, resetSeconds: 0 };
  const now = Date.now();
  const windowStart = new Date(Math.floor(now / 60_000) * 60_000);
  // Through plain pg (lib/db/sql.ts): every write request pays for this statement.
  const rows = await sqlWrite<{ count: number }>(
    `INSERT INTO "RateLimitCounter" ("key", "windowStart", "count") VALUES ($1, $2::timestamp, 1)
     ON CONFLICT ("key") DO UPDATE SET
       "count" = CASE WHEN "RateLimitCounter"."windowStart" = EXCLUDED."windowStart" THEN "RateLimitCounter"."count" + 1 ELSE 1 END,
       "windowStart" = EXCLUDED."windowStart"
     RETURNING "count"`,
    [key, utcTimestamp(windowStart)],
  );
  const count = Number(rows[0]?.count ?? 1);
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now) / 1000));
  return { allowed: count <= limitPerMinute, remaining: Math.max(0, limitPerMinute - count), resetSeconds };
}
