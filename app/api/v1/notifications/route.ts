// GET /api/v1/notifications — the caller's notifications in the workspace, newest first, with the unread count
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listNotifications } from "@/lib/notifications/list-notifications";

export const GET = handle(routes.listNotifications, async ({ actor, workspace, query }) =>
  json(routes.listNotifications, await listNotifications(workspace.workspaceId, actor.userId, query)),
);
