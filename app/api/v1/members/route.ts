// GET /api/v1/members — the workspace's members and their roles
// POST /api/v1/members — add an existing user by email (201)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { addMemberSchema } from "@/lib/settings/schemas";
import { listMembers } from "@/lib/settings/queries";
import { addMember } from "@/lib/settings/add-member";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listMembers(workspaceId));
});

export const POST = apiRoute({ body: addMemberSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  const member = await addMember(actor, workspaceId, body);
  return json(member, { status: 201, headers: { location: `/api/v1/members/${member.userId}` } });
});
