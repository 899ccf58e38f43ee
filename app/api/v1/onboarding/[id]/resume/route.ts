// POST /api/v1/onboarding/:id/resume — continue a failed bootstrap at its first unfinished step
import { handle } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { resumeBootstrap } from "@/lib/runs/start-run";
import { runStartedResponse } from "@/lib/api/run-started-response";

export const POST = handle(routes.resumeBootstrap, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const result = await resumeBootstrap(actor, params.id, { expectedVersion: base.version, versionSource: base.source });
  return runStartedResponse(routes.resumeBootstrap, actor, result);
});
