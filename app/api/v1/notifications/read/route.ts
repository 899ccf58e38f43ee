// POST /api/v1/notifications/read — mark the caller's notifications read ({ ids } or { all: true })
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { markReadSchema } from "@/lib/notifications/schemas";
import { markNotificationsRead } from "@/lib/notifications/mark-read";

export const POST = apiRoute({ body: markReadSchema }, async ({ actor, req, body }) => {
  const { workspaceId } = selectWorkspace(actor, req);
  authorize(actor, workspaceId, "view", "Workspace");
  return json(await markNotificationsRead(workspaceId, actor.userId, body));
});
