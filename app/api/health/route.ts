// GET /api/health — database reachable and migrations applied (no auth; for load balancers).
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db/client";
import { migrationStatus } from "@/lib/db/migrate";

export const dynamic = "force-dynamic";

export const GET = handle(routes.getHealth, async () => {
  const started = Date.now();
  try {
    await db().$queryRaw`SELECT 1`;
    const migrations = await migrationStatus(process.env.DATABASE_URL!);
    const ok = migrations.pending.length === 0;
    const body = {
      status: ok ? "ok" : "degraded",
      database: "reachable",
      migrations,
      latencyMs: Date.now() - started,
    } as const;
    return ok ? json(routes.getHealth, body, { status: 200 }) : json(routes.getHealth, body, { status: 503 });
  } catch {
    return json(routes.getHealth, { status: "error", database: "unreachable" }, { status: 503 });
  }
});
