// GET /api/v1/operation-runs/:id — status, outcome, steps and log (?logAfter=<id> for new lines)
import { z } from "zod";
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { notFound } from "@/lib/api/errors";
import { authorize } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { serializeRun } from "@/lib/runs/serialize";

const query = z.strictObject({ logAfter: z.string().regex(/^\d{1,18}$/).optional() });

export const GET = apiRoute({ params: idParams, query }, async ({ actor, params, query }) => {
  const run = await db().operationRun.findUnique({
    where: { id: params.id },
    include: {
      steps: { orderBy: { position: "asc" } },
      attempts: { orderBy: { startedAt: "asc" }, take: 500 },
      logs: { where: query.logAfter ? { id: { gt: BigInt(query.logAfter) } } : {}, orderBy: { id: "asc" }, take: 500 },
    },
  });
  if (!run) throw notFound("Operation run");
  authorize(actor, run.workspaceId, "view", "Operation run");
  return json(serializeRun(run));
});
