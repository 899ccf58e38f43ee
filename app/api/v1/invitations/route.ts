// GET /api/v1/invitations — pending invitations, and those accepted, revoked or expired lately
// POST /api/v1/invitations — invite an email with a role (201; the link is in this response only)
import { apiRoute, json } from "@/lib/api/handler";
import { selectWorkspace } from "@/lib/auth/actor";
import { publicOrigin } from "@/lib/http/forwarded";
import { createInvitationSchema } from "@/lib/invitations/schemas";
import { createInvitation } from "@/lib/invitations/create-invitation";
import { listInvitations } from "@/lib/invitations/list-invitations";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  return json(await listInvitations(actor, workspaceId));
});

export const POST = apiRoute({ body: createInvitationSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  const created = await createInvitation(actor, workspaceId, body, publicOrigin() ?? req.nextUrl.origin);
  return json(created, { status: 201 });
});
