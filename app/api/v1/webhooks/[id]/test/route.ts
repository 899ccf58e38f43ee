// POST /api/v1/webhooks/:id/test — send a signed `ping` event (202 with the delivery)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { sendTestWebhook } from "@/lib/settings/send-test-webhook";

export const POST = apiRoute({ params: idParams }, async ({ actor, params }) => {
  return json(await sendTestWebhook(actor, params.id), { status: 202 });
});
