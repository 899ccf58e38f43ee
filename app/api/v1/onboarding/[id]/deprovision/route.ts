// POST /api/v1/onboarding/:id/deprovision — start a deprovision run (deduplicated: an active one is returned);
// with {"dryRun": true}, answer the plan (what would be deleted, in which order, what is kept) and change nothing
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { startRun } from "@/lib/runs/start-run";
import { runStartedResponse } from "@/lib/api/run-started-response";
import { deprovisionPlanFor } from "@/lib/resources/deprovision-resources";

export const POST = handle(routes.deprovisionOnboarding, async ({ actor, req, params, body, record }) => {
  // A dry run writes nothing, so it needs no version.
  if (body.dryRun)
    return json(routes.deprovisionOnboarding, await deprovisionPlanFor(actor, params.id), { status: 200 });
  const base = requireVersion(req, body.version);
  const result = await startRun(actor, record.session, "deprovision", {
    expectedVersion: base.version,
    versionSource: base.source,
  });
  return runStartedResponse(routes.deprovisionOnboarding, actor, result);
});
