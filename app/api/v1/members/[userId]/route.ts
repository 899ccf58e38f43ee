// PATCH /api/v1/members/:userId — change a member's role (the last owner stays owner)
// DELETE /api/v1/members/:userId — remove a member and revoke their tokens here (204)
import { handle, json, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { changeMemberRole } from "@/lib/settings/change-member-role";
import { removeMember } from "@/lib/settings/remove-member";

export const PATCH = handle(routes.changeMemberRole, async ({ actor, workspace, params, body }) =>
  json(routes.changeMemberRole, await changeMemberRole(actor, workspace.workspaceId, params.userId, body)),
);

export const DELETE = handle(routes.removeMember, async ({ actor, workspace, params }) => {
  await removeMember(actor, workspace.workspaceId, params.userId);
  return noContent(routes.removeMember, 204);
});
