// GET /api/v1/tokens — the workspace's API tokens (never the token itself)
// POST /api/v1/tokens — create a token (201; the token is in the response this once)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listTokens } from "@/lib/settings/queries";
import { createToken } from "@/lib/settings/create-token";

export const GET = handle(routes.listTokens, async ({ workspace }) =>
  json(routes.listTokens, await listTokens(workspace.workspaceId)),
);

export const POST = handle(routes.createToken, async ({ actor, workspace, body }) => {
  const created = await createToken(actor, workspace.workspaceId, body);
  return json(routes.createToken, created, { status: 201, headers: { location: `/api/v1/tokens/${created.id}` } });
});
