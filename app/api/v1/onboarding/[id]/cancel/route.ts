// POST /api/v1/onboarding/:id/cancel — cancel the onboarding (and stop its active runs)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { cancelOnboarding } from "@/lib/onboarding/cancel-onboarding";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";

export const POST = handle(routes.cancelOnboarding, async ({ actor, req, record, workspace, body }) => {
  const base = requireVersion(req, body.version);
  const view = await viewAfterWrite(
    actor,
    await cancelOnboarding(actor, { session: record.session, role: workspace.role }, base, body.reason),
  );
  return json(
    routes.cancelOnboarding,
    { ...serializeSessionView(view), deprovisionAvailable: view.session.platformId !== null },
    { headers: { etag: etagFor(view) } },
  );
});
