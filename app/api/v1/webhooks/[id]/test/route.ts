// POST /api/v1/webhooks/:id/test — send a signed `ping` event (202 with the delivery)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { sendTestWebhook } from "@/lib/settings/send-test-webhook";

export const POST = handle(routes.testWebhook, async ({ actor, params }) =>
  json(routes.testWebhook, await sendTestWebhook(actor, params.id), { status: 202 }),
);
