import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadDeliveryFor } from "./load-for";
import { serializeDelivery } from "./serialize";
import { auditActor } from "./shared";
import { enqueueDeliveries } from "./enqueue-deliveries";

/** A new delivery of the same event and payload; the original stays in the log as history. */
export async function redeliverWebhook(actor: Actor, deliveryId: string) {
  const original = await loadDeliveryFor(actor, deliveryId, "webhooks");
  const delivery = await db().$transaction(async (tx) => {
    const created = await tx.webhookDelivery.create({
      data: {
        endpointId: original.endpointId,
        event: original.event,
        payload: original.payload as Prisma.InputJsonValue,
      },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId: original.endpoint.workspaceId,
      action: "webhook.redelivered",
      targetType: "webhook_endpoint",
      targetId: original.endpointId,
      data: { deliveryId: created.id, redeliveryOf: original.id, event: original.event },
    });
    return created;
  });
  await enqueueDeliveries([delivery.id]);
  return serializeDelivery(delivery);
}
