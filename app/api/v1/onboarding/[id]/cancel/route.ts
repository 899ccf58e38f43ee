// POST /api/v1/onboarding/:id/cancel — cancel the onboarding (and stop its active runs)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { versionedActionSchema } from "@/lib/onboarding/schemas";
import { requireVersion } from "@/lib/api/session-version";
import { cancelOnboarding } from "@/lib/onboarding/service";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";

export const POST = apiRoute({ params: idParams, body: versionedActionSchema, optionalBody: true }, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const view = await viewAfterWrite(actor, await cancelOnboarding(actor, params.id, base, body.reason));
  return json({ ...serializeSessionView(view), deprovisionAvailable: view.session.platformId !== null }, { headers: { etag: etagFor(view) } });
});
