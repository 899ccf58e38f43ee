// GET /api/v1/onboarding/:id/runs — the session's operation runs, newest first, with steps
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db/client";
import { serializeRun } from "@/lib/runs/serialize";

export const GET = handle(routes.listOnboardingRuns, async ({ record }) => {
  const runs = await db().operationRun.findMany({
    where: { sessionId: record.session.id },
    orderBy: { createdAt: "desc" },
    include: { steps: { orderBy: { position: "asc" } } },
    take: 50,
  });
  return json(routes.listOnboardingRuns, { items: runs.map(serializeRun) });
});
