import "server-only";
// Shared shape of the session action endpoints (verify-access, bootstrap, resume, deprovision):
// version-checked, answer 202 with the run and the session (200 when an active run is returned).
import { json } from "@/lib/api/handler";
import { serializeSession, etagFor } from "@/lib/onboarding/serialize";
import { serializeRun } from "./serialize";
import type { StartResult } from "./start-run";

export function runStartedResponse(result: StartResult): Response {
  return json(
    { run: serializeRun(result.run), session: serializeSession(result.session), deduplicated: !result.created },
    { status: result.created ? 202 : 200, headers: { location: `/api/v1/operation-runs/${result.run.id}`, etag: etagFor(result.session) } },
  );
}
