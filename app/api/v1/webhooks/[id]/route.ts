// PATCH /api/v1/webhooks/:id — change url, description, events or active
// DELETE /api/v1/webhooks/:id — delete the endpoint and its delivery log (204)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { updateWebhookSchema } from "@/lib/settings/schemas";
import { updateWebhook } from "@/lib/settings/update-webhook";
import { deleteWebhook } from "@/lib/settings/delete-webhook";

export const PATCH = apiRoute({ params: idParams, body: updateWebhookSchema }, async ({ actor, params, body }) => {
  return json(await updateWebhook(actor, params.id, body));
});

export const DELETE = apiRoute({ params: idParams }, async ({ actor, params }) => {
  await deleteWebhook(actor, params.id);
  return new Response(null, { status: 204 });
});
