// GET /api/v1/operation-runs/:id — status, outcome, health, steps, attempts (the timeline) and log (?logAfter=<id> for new lines)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db/client";
import { serializeRun } from "@/lib/runs/serialize";

export const GET = handle(routes.getRun, async ({ record, query }) => {
  const [logs, attempts] = await Promise.all([
    db().operationRunLog.findMany({
      where: { runId: record.id, ...(query.logAfter ? { id: { gt: BigInt(query.logAfter) } } : {}) },
      orderBy: { id: "asc" },
      take: 500,
    }),
    db().operationRunAttempt.findMany({ where: { runId: record.id }, orderBy: { startedAt: "asc" }, take: 500 }),
  ]);
  return json(routes.getRun, serializeRun({ ...record, logs, attempts }));
});
