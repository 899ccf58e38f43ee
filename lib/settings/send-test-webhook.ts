import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadWebhookFor } from "./load-for";
import { serializeDelivery } from "./serialize";
import { auditActor } from "./shared";
import { enqueueDeliveries } from "./enqueue-deliveries";

/** Sends a signed `ping` event; also to an inactive endpoint, so it can be tried before enabling. */
export async function sendTestWebhook(actor: Actor, id: string) {
  const endpoint = await loadWebhookFor(actor, id, "webhooks");
  const delivery = await db().$transaction(async (tx) => {
    const created = await tx.webhookDelivery.create({
      data: {
        endpointId: endpoint.id,
        event: "ping",
        payload: {
          event: "ping",
          occurredAt: new Date().toISOString(),
          webhook: { id: endpoint.id, url: endpoint.url, events: endpoint.events },
          workspaceId: endpoint.workspaceId,
        },
      },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId: endpoint.workspaceId,
      action: "webhook.test_sent",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      data: { deliveryId: created.id },
    });
    return created;
  });
  await enqueueDeliveries([delivery.id]);
  return serializeDelivery(delivery);
}
