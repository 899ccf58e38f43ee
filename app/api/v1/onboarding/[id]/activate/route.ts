// POST /api/v1/onboarding/:id/activate — activate the platform (override needs a reason and the capability)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { activateSchema } from "@/lib/onboarding/schemas";
import { requireVersion } from "@/lib/api/session-version";
import { activateOnboarding } from "@/lib/onboarding/service";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";

export const POST = apiRoute({ params: idParams, body: activateSchema, optionalBody: true }, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const session = await activateOnboarding(actor, params.id, base, { override: body.override, reason: body.reason });
  const view = await viewAfterWrite(actor, session);
  return json(serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
