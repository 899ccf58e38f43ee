// GET /api/v1/onboarding/:id/audit — who did what, when, version from → to
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { auditTrail } from "@/lib/onboarding/queries";

export const GET = handle(routes.listOnboardingAudit, async ({ record, query }) =>
  json(routes.listOnboardingAudit, await auditTrail(record.session.id, query)),
);
