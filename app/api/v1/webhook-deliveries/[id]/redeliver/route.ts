// POST /api/v1/webhook-deliveries/:id/redeliver — send the same event again as a new delivery (202)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { redeliverWebhook } from "@/lib/settings/redeliver-webhook";

export const POST = apiRoute({ params: idParams }, async ({ actor, params }) => {
  return json(await redeliverWebhook(actor, params.id), { status: 202 });
});
