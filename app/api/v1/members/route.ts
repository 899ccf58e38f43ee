// GET /api/v1/members — the workspace's members and their roles (people join by invitation: /api/v1/invitations)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { listMembers } from "@/lib/settings/queries";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listMembers(workspaceId));
});
