// GET /api/v1/onboarding — list (filters, cursor pagination, newest first)
// POST /api/v1/onboarding — create (202, seed response + version; Idempotency-Key honoured)
import { apiRoute, json } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { createOnboardingSchema, listOnboardingQuery } from "@/lib/onboarding/schemas";
import { createOnboarding } from "@/lib/onboarding/service";
import { listOnboardings } from "@/lib/onboarding/queries";

export const GET = apiRoute({ query: listOnboardingQuery }, async ({ actor, req, query }) => {
  const membership = selectWorkspace(actor, req);
  authorize(actor, membership.workspaceId, "view", "Workspace");
  return json(await listOnboardings(membership.workspaceId, query));
});

export const POST = apiRoute({ body: createOnboardingSchema }, async ({ actor, req, body }) => {
  const key = req.headers.get("idempotency-key");
  if (key !== null && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const membership = selectWorkspace(actor, req);
  const result = await createOnboarding(actor, membership, body, key);
  return json(result.body, {
    status: result.status,
    headers: {
      location: `/api/v1/onboarding/${result.body.onboardingId}`,
      etag: `"${result.body.version}"`,
      ...(result.replayed ? { "idempotent-replayed": "true" } : {}),
    },
  });
});
