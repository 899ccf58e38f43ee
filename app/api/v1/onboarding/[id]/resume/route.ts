// POST /api/v1/onboarding/:id/resume — continue a failed bootstrap at its first unfinished step
import { apiRoute, idParams } from "@/lib/api/handler";
import { versionedActionSchema } from "@/lib/onboarding/schemas";
import { requireVersion } from "@/lib/api/session-version";
import { resumeBootstrap } from "@/lib/runs/start-run";
import { runStartedResponse } from "@/lib/api/run-started-response";

export const POST = apiRoute({ params: idParams, body: versionedActionSchema, optionalBody: true }, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  return runStartedResponse(actor, await resumeBootstrap(actor, params.id, { expectedVersion: base.version, versionSource: base.source }));
});
