// POST /api/v1/onboarding/:id/activate — activate the platform (override needs a reason and the capability)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { activateOnboarding } from "@/lib/onboarding/activate-onboarding";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";

export const POST = handle(routes.activateOnboarding, async ({ actor, req, record, workspace, body }) => {
  const base = requireVersion(req, body.version);
  const session = await activateOnboarding(actor, { session: record.session, role: workspace.role }, base, {
    override: body.override,
    reason: body.reason,
  });
  const view = await viewAfterWrite(actor, session);
  return json(routes.activateOnboarding, serializeSessionView(view), { headers: { etag: etagFor(view) } });
});
