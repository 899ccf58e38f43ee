// POST /api/v1/onboarding/:id/verify-access/recheck — re-run one check of the latest verification (a short recheck_access run)
import { handle } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { runStartedResponse } from "@/lib/api/run-started-response";
import { startRecheck } from "@/lib/verification/start-recheck";

export const POST = handle(routes.recheckAccess, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const result = await startRecheck(actor, params.id, body.checkKey, {
    expectedVersion: base.version,
    versionSource: base.source,
  });
  return runStartedResponse(routes.recheckAccess, actor, result);
});
