// POST /api/v1/webhook-deliveries/:id/redeliver — send the same event again as a new delivery (202)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { redeliverWebhook } from "@/lib/settings/redeliver-webhook";

export const POST = handle(routes.redeliverWebhook, async ({ actor, params }) =>
  json(routes.redeliverWebhook, await redeliverWebhook(actor, params.id), { status: 202 }),
);
