// GET /api/v1/connections — the workspace's provider connections (hasSecret, never the secret)
// POST /api/v1/connections — create a connection; its credential is stored encrypted (201)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { createConnectionSchema } from "@/lib/settings/schemas";
import { listConnections } from "@/lib/settings/queries";
import { createConnection } from "@/lib/settings/create-connection";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listConnections(workspaceId));
});

export const POST = apiRoute({ body: createConnectionSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  const created = await createConnection(actor, workspaceId, body);
  return json(created, { status: 201, headers: { location: `/api/v1/connections/${created.id}` } });
});
