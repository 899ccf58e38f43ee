// GET /api/health — database reachable and migrations applied (no auth; for load balancers).
import { db } from "@/lib/db/client";
import { migrationStatus } from "@/lib/db/migrate";

export const dynamic = "force-dynamic";

export async function GET() {
  const started = Date.now();
  try {
    await db().$queryRaw`SELECT 1`;
    const migrations = await migrationStatus(process.env.DATABASE_URL!);
    const ok = migrations.pending.length === 0;
    return Response.json(
      { status: ok ? "ok" : "degraded", database: "reachable", migrations: { applied: migrations.applied, pending: migrations.pending }, latencyMs: Date.now() - started },
      { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  } catch {
    return Response.json({ status: "error", database: "unreachable" }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
