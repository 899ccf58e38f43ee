// GET /api/v1/onboarding/:id — the session, with ETag (If-None-Match → 304)
// PATCH /api/v1/onboarding/:id — draft fields, or executor progress; version-checked
import { handle, json, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { updateOnboarding } from "@/lib/onboarding/update-onboarding";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";
import { requireVersion } from "@/lib/api/session-version";

export const GET = handle(routes.getOnboarding, async ({ req, record, workspace }) => {
  // The wrapper loaded the session with its newest runs to authorize: that is the whole view.
  const view = { ...record, role: workspace.role };
  const etag = etagFor(view);
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) {
    return noContent(routes.getOnboarding, 304, { etag, "cache-control": "no-cache" });
  }
  return json(routes.getOnboarding, serializeSessionView(view), { headers: { etag, "cache-control": "no-cache" } });
});

export const PATCH = handle(routes.updateOnboarding, async ({ actor, req, record, workspace, body }) => {
  const base = requireVersion(req, body.version);
  const view = await viewAfterWrite(
    actor,
    await updateOnboarding(actor, { session: record.session, role: workspace.role }, body, base),
  );
  return json(routes.updateOnboarding, serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
