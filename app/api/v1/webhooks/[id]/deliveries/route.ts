// GET /api/v1/webhooks/:id/deliveries — the delivery log, newest first, 50 a page (?cursor=)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { listDeliveriesQuery } from "@/lib/settings/schemas";
import { loadWebhookFor } from "@/lib/settings/load-for";
import { listWebhookDeliveries } from "@/lib/settings/queries";

export const GET = apiRoute({ params: idParams, query: listDeliveriesQuery }, async ({ actor, params, query }) => {
  const endpoint = await loadWebhookFor(actor, params.id, "webhooks");
  return json(await listWebhookDeliveries(endpoint.id, query.cursor));
});
