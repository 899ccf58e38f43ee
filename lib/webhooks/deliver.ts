import "server-only";
// Sends one webhook delivery. Failure throws, so the queue retries it with backoff; every
// attempt's outcome is kept on the delivery row.
import { db } from "@/lib/db/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { signPayload } from "./sign";
import { assertPublicTarget } from "./target-guard";

export const MAX_DELIVERY_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

export async function deliverWebhook(deliveryId: string): Promise<void> {
  const delivery = await db().webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!delivery || delivery.status === "succeeded") return;
  const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) });
  const secret = decryptSecret(delivery.endpoint.secretCiphertext, delivery.endpoint.id);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    await assertPublicTarget(delivery.endpoint.url);
    const res = await fetch(delivery.endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Onramp-Webhooks/1",
        "onramp-event": delivery.event,
        "onramp-delivery": delivery.id,
        "onramp-signature": signPayload(secret, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const attempts = delivery.attempts + 1;
  const succeeded = error === null;
  await db().webhookDelivery.update({
    where: { id: delivery.id },
    data: {
      attempts,
      lastStatusCode: statusCode,
      lastError: error,
      status: succeeded ? "succeeded" : attempts >= MAX_DELIVERY_ATTEMPTS ? "failed" : "pending",
      deliveredAt: succeeded ? new Date() : null,
      nextAttemptAt: succeeded || attempts >= MAX_DELIVERY_ATTEMPTS ? null : new Date(Date.now() + 2000 * 2 ** attempts),
    },
  });
  if (!succeeded && attempts < MAX_DELIVERY_ATTEMPTS) throw new Error(`Webhook delivery ${delivery.id} failed: ${error}`);
}
