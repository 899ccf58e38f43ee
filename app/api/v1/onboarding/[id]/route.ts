// GET /api/v1/onboarding/:id — the session, with ETag (If-None-Match → 304)
// PATCH /api/v1/onboarding/:id — draft fields, or executor progress; version-checked
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { patchOnboardingSchema } from "@/lib/onboarding/schemas";
import { updateOnboarding } from "@/lib/onboarding/service";
import { loadSessionView, viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";
import { requireVersion } from "@/lib/api/session-version";

export const GET = apiRoute({ params: idParams }, async ({ actor, req, params }) => {
  const view = await loadSessionView(actor, params.id);
  const etag = etagFor(view);
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) {
    return new Response(null, { status: 304, headers: { etag, "cache-control": "no-cache" } });
  }
  return json(serializeSessionView(view), { headers: { etag, "cache-control": "no-cache" } });
});

export const PATCH = apiRoute({ params: idParams, body: patchOnboardingSchema }, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const view = await viewAfterWrite(actor, await updateOnboarding(actor, params.id, body, base));
  return json(serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
