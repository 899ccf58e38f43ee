// GET /api/v1/webhooks — the workspace's webhook endpoints (never their secrets)
// POST /api/v1/webhooks — create an endpoint (201; the signing secret is in the response this once)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listWebhooks } from "@/lib/settings/queries";
import { createWebhook } from "@/lib/settings/create-webhook";

export const GET = handle(routes.listWebhooks, async ({ workspace }) =>
  json(routes.listWebhooks, await listWebhooks(workspace.workspaceId)),
);

export const POST = handle(routes.createWebhook, async ({ actor, workspace, body }) => {
  const created = await createWebhook(actor, workspace.workspaceId, body);
  return json(routes.createWebhook, created, { status: 201, headers: { location: `/api/v1/webhooks/${created.id}` } });
});
