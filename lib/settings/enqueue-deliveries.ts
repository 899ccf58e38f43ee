import "server-only";
import { enqueueWebhookDelivery } from "@/lib/queue/queue";
import { errorFields, log } from "@/lib/log/logger";

/**
 * Hands committed delivery rows to the queue. A failure is logged, not thrown: the row is
 * already the record of the delivery and the write it belongs to has succeeded.
 */
export async function enqueueDeliveries(ids: string[]): Promise<void> {
  for (const id of ids) {
    await enqueueWebhookDelivery(id).catch((err) =>
      log.error({ deliveryId: id, ...errorFields(err) }, "webhook enqueue failed"),
    );
  }
}
