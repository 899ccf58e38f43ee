// PATCH /api/v1/members/:userId — change a member's role (the last owner stays owner)
// DELETE /api/v1/members/:userId — remove a member and revoke their tokens here (204)
import { apiRoute, json } from "@/lib/api/handler";
import { selectWorkspace } from "@/lib/auth/actor";
import { updateMemberSchema, userIdParams } from "@/lib/settings/schemas";
import { changeMemberRole } from "@/lib/settings/change-member-role";
import { removeMember } from "@/lib/settings/remove-member";

export const PATCH = apiRoute({ params: userIdParams, body: updateMemberSchema }, async ({ actor, req, params, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  return json(await changeMemberRole(actor, workspaceId, params.userId, body));
});

export const DELETE = apiRoute({ params: userIdParams }, async ({ actor, req, params }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  await removeMember(actor, workspaceId, params.userId);
  return new Response(null, { status: 204 });
});
