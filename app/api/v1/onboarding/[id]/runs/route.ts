// GET /api/v1/onboarding/:id/runs — the session's operation runs, newest first, with steps
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { db } from "@/lib/db/client";
import { loadSessionFor } from "@/lib/onboarding/service";
import { serializeRun } from "@/lib/runs/serialize";

export const GET = apiRoute({ params: idParams }, async ({ actor, params }) => {
  const session = await loadSessionFor(actor, params.id, "view");
  const runs = await db().operationRun.findMany({
    where: { sessionId: session.id },
    orderBy: { createdAt: "desc" },
    include: { steps: { orderBy: { position: "asc" } } },
    take: 50,
  });
  return json({ items: runs.map(serializeRun) });
});
