// GET /api/v1/onboarding/:id/audit — who did what, when, version from → to
import { z } from "zod";
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { authorize } from "@/lib/auth/actor";
import { loadSessionFor } from "@/lib/onboarding/service";
import { auditTrail } from "@/lib/onboarding/queries";

const query = z.strictObject({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export const GET = apiRoute({ params: idParams, query }, async ({ actor, params, query }) => {
  const session = await loadSessionFor(actor, params.id, "view");
  authorize(actor, session.workspaceId, "audit", "Onboarding");
  return json(await auditTrail(session.id, query));
});
