// GET /api/v1/onboarding — list (filters, cursor pagination, newest first)
// POST /api/v1/onboarding — create (202, seed response + version; Idempotency-Key honoured)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { ApiError } from "@/lib/api/errors";
import { createOnboarding } from "@/lib/onboarding/create-onboarding";
import { listOnboardings } from "@/lib/onboarding/queries";

export const GET = handle(routes.listOnboardings, async ({ workspace, query }) =>
  json(routes.listOnboardings, await listOnboardings(workspace.workspaceId, query)),
);

export const POST = handle(routes.createOnboarding, async ({ actor, req, workspace, body }) => {
  const key = req.headers.get("idempotency-key");
  if (key !== null && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const result = await createOnboarding(actor, workspace, body, key);
  return json(routes.createOnboarding, result.body, {
    status: 202,
    headers: {
      location: `/api/v1/onboarding/${result.body.onboardingId}`,
      etag: `"${result.body.version}"`,
      ...(result.replayed ? { "idempotent-replayed": "true" } : {}),
    },
  });
});
