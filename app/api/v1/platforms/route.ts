// GET /api/v1/platforms — the workspace's platforms, newest first (?status=, cursor pagination)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listPlatforms } from "@/lib/settings/queries";

export const GET = handle(routes.listPlatforms, async ({ workspace, query }) =>
  json(routes.listPlatforms, await listPlatforms(workspace.workspaceId, query)),
);
