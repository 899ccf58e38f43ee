// POST /api/v1/notifications/read — mark the caller's notifications read ({ ids } or { all: true })
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { markNotificationsRead } from "@/lib/notifications/mark-read";

export const POST = handle(routes.markNotificationsRead, async ({ actor, workspace, body }) =>
  json(routes.markNotificationsRead, await markNotificationsRead(workspace.workspaceId, actor.userId, body)),
);
