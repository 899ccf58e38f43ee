// PATCH /api/v1/webhooks/:id — change url, description, events or active
// DELETE /api/v1/webhooks/:id — delete the endpoint and its delivery log (204)
import { handle, json, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { updateWebhook } from "@/lib/settings/update-webhook";
import { deleteWebhook } from "@/lib/settings/delete-webhook";

export const PATCH = handle(routes.updateWebhook, async ({ actor, params, body }) =>
  json(routes.updateWebhook, await updateWebhook(actor, params.id, body)),
);

export const DELETE = handle(routes.deleteWebhook, async ({ actor, params }) => {
  await deleteWebhook(actor, params.id);
  return noContent(routes.deleteWebhook, 204);
});
