// PUT /api/v1/onboarding/:id/simulation — change or remove the simulated provider's failure injection (versioned)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";
import { updateSimulation } from "@/lib/onboarding/update-simulation";

export const PUT = handle(routes.updateSimulation, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const session = await updateSimulation(actor, params.id, body.simulation, {
    expectedVersion: base.version,
    versionSource: base.source,
  });
  const view = await viewAfterWrite(actor, session);
  return json(routes.updateSimulation, serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
