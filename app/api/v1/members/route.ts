// GET /api/v1/members — the workspace's members and their roles (people join by invitation: /api/v1/invitations)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listMembers } from "@/lib/settings/queries";

export const GET = handle(routes.listMembers, async ({ workspace }) =>
  json(routes.listMembers, await listMembers(workspace.workspaceId)),
);
