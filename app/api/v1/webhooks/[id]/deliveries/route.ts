// GET /api/v1/webhooks/:id/deliveries — the delivery log, newest first, 50 a page (?cursor=)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listWebhookDeliveries } from "@/lib/settings/queries";

export const GET = handle(routes.listWebhookDeliveries, async ({ record, query }) =>
  json(routes.listWebhookDeliveries, await listWebhookDeliveries(record.id, query.cursor)),
);
