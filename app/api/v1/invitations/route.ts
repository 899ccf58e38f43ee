// GET /api/v1/invitations — pending invitations, and those accepted, revoked or expired lately
// POST /api/v1/invitations — invite an email with a role (201; the link is in this response only)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { publicOrigin } from "@/lib/http/forwarded";
import { createInvitation } from "@/lib/invitations/create-invitation";
import { listInvitations } from "@/lib/invitations/list-invitations";

export const GET = handle(routes.listInvitations, async ({ actor, workspace }) =>
  json(routes.listInvitations, await listInvitations(actor, workspace.workspaceId)),
);

export const POST = handle(routes.createInvitation, async ({ actor, req, workspace, body }) => {
  const created = await createInvitation(actor, workspace.workspaceId, body, publicOrigin() ?? req.nextUrl.origin);
  return json(routes.createInvitation, created, { status: 201 });
});
