// POST /api/v1/onboarding/:id/verify-access — start a verify_access run (deduplicated: an active one is returned)
import { handle } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { startRun } from "@/lib/runs/start-run";
import { runStartedResponse } from "@/lib/api/run-started-response";

export const POST = handle(routes.startVerifyAccess, async ({ actor, req, body, record }) => {
  const base = requireVersion(req, body.version);
  const result = await startRun(actor, record.session, "verify_access", {
    expectedVersion: base.version,
    versionSource: base.source,
  });
  return runStartedResponse(routes.startVerifyAccess, actor, result);
});
