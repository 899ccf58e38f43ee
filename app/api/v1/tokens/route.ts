// GET /api/v1/tokens — the workspace's API tokens (never the token itself)
// POST /api/v1/tokens — create a token (201; the token is in the response this once)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { createTokenSchema } from "@/lib/settings/schemas";
import { listTokens } from "@/lib/settings/queries";
import { createToken } from "@/lib/settings/create-token";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "tokens", "Workspace");
  return json(await listTokens(workspaceId));
});

export const POST = apiRoute({ body: createTokenSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  const created = await createToken(actor, workspaceId, body);
  return json(created, { status: 201, headers: { location: `/api/v1/tokens/${created.id}` } });
});
