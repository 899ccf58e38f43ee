// PUT /api/v1/onboarding/:id/simulation — change or remove the simulated provider's failure injection (versioned)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { requireVersion } from "@/lib/api/session-version";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";
import { updateSimulation, updateSimulationSchema } from "@/lib/onboarding/update-simulation";

export const PUT = apiRoute({ params: idParams, body: updateSimulationSchema }, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const session = await updateSimulation(actor, params.id, body.simulation, { expectedVersion: base.version, versionSource: base.source });
  const view = await viewAfterWrite(actor, session);
  return json(serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
