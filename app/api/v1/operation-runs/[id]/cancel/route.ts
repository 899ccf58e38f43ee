// POST /api/v1/operation-runs/:id/cancel — stop this run (the onboarding stays open)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { requireVersion } from "@/lib/api/session-version";
import { cancelRun } from "@/lib/runs/start-run";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { etagFor, serializeSessionView } from "@/lib/onboarding/serialize";

export const POST = handle(routes.cancelRun, async ({ actor, req, params, body }) => {
  const base = requireVersion(req, body.version);
  const view = await viewAfterWrite(
    actor,
    await cancelRun(actor, params.id, { expectedVersion: base.version, versionSource: base.source }),
  );
  return json(
    routes.cancelRun,
    { session: serializeSessionView(view) },
    { status: 202, headers: { etag: etagFor(view) } },
  );
});
