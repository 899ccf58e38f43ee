// GET /api/v1/notifications — the caller's notifications in the workspace, newest first, with the unread count
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { listNotificationsQuery } from "@/lib/notifications/schemas";
import { listNotifications } from "@/lib/notifications/list-notifications";

export const GET = apiRoute({ query: listNotificationsQuery }, async ({ actor, req, query }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await listNotifications(workspaceId, actor.userId, query));
});
