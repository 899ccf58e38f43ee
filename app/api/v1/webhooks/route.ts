// GET /api/v1/webhooks — the workspace's webhook endpoints (never their secrets)
// POST /api/v1/webhooks — create an endpoint (201; the signing secret is in the response this once)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { createWebhookSchema } from "@/lib/settings/schemas";
import { listWebhooks } from "@/lib/settings/queries";
import { createWebhook } from "@/lib/settings/create-webhook";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "webhooks", "Workspace");
  return json(await listWebhooks(workspaceId));
});

export const POST = apiRoute({ body: createWebhookSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  const created = await createWebhook(actor, workspaceId, body);
  return json(created, { status: 201, headers: { location: `/api/v1/webhooks/${created.id}` } });
});
