// GET /api/v1/connections — the workspace's provider connections (hasSecret, never the secret)
// POST /api/v1/connections — create a connection; its credential is stored encrypted (201)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listConnections } from "@/lib/settings/queries";
import { createConnection } from "@/lib/settings/create-connection";

export const GET = handle(routes.listConnections, async ({ workspace }) =>
  json(routes.listConnections, await listConnections(workspace.workspaceId)),
);

export const POST = handle(routes.createConnection, async ({ actor, workspace, body }) => {
  const created = await createConnection(actor, workspace.workspaceId, body);
  return json(routes.createConnection, created, {
    status: 201,
    headers: { location: `/api/v1/connections/${created.id}` },
  });
});
