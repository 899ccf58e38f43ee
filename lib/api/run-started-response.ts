import "server-only";
// Shared shape of the session action endpoints (verify-access, bootstrap, resume, deprovision):
// version-checked, answer 202 with the run and the session (200 when an active run is returned).
import { json } from "@/lib/api/handler";
import type { Actor } from "@/lib/auth/actor";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { serializeSessionView, etagFor } from "@/lib/onboarding/serialize";
import { serializeRun } from "@/lib/runs/serialize";
import type { StartResult } from "@/lib/runs/start-run";

export async function runStartedResponse(actor: Actor, result: StartResult): Promise<Response> {
  const view = await viewAfterWrite(actor, result.session);
  return json(
    { run: serializeRun(result.run), session: serializeSessionView(view), deduplicated: !result.created },
    { status: result.created ? 202 : 200, headers: { location: `/api/v1/operation-runs/${result.run.id}`, etag: etagFor(view) } },
  );
}
