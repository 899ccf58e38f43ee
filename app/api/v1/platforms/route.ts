// GET /api/v1/platforms — the workspace's platforms, newest first (?status=, cursor pagination)
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { listPlatformsQuery } from "@/lib/settings/schemas";
import { listPlatforms } from "@/lib/settings/queries";

export const GET = apiRoute({ query: listPlatformsQuery }, async ({ actor, req, query }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listPlatforms(workspaceId, query));
});
