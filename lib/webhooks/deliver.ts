import "server-only";
// Sends one webhook delivery. Failure throws, so the queue retries it with backoff; every
// attempt's outcome is kept on the delivery row.
import { db } from "@/lib/db/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { guardedFetch, refusalOf, type GuardedFetch } from "@/lib/net/guarded-fetch";
import { signPayload } from "./sign";

export const MAX_DELIVERY_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

/**
 * What the delivery log shows for a failed attempt: a code and a sentence we wrote. The
 * receiver's body and the network stack's wording never reach it.
 */
export function deliveryError(err: unknown): { error: string; statusCode: number | null } {
  const refusal = refusalOf(err);
  if (refusal) return { error: `${refusal.code}: ${refusal.message}`, statusCode: refusal.status ?? null };
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return { error: `timeout: no answer within ${TIMEOUT_MS / 1000} s`, statusCode: null };
  }
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" && /^[A-Z_]+$/.test(cause.code) ? ` (${cause.code})` : "";
  return { error: `network_error: the receiver could not be reached${code}`, statusCode: null };
}

export async function deliverWebhook(deliveryId: string, send: GuardedFetch = guardedFetch): Promise<void> {
  const delivery = await db().webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!delivery || delivery.status === "succeeded") return;
  const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) });
  const secret = decryptSecret(delivery.endpoint.secretCiphertext, delivery.endpoint.id);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await send(delivery.endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Onramp-Webhooks/1",
        "onramp-event": delivery.event,
        "onramp-delivery": delivery.id,
        "onramp-signature": signPayload(secret, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    ({ error, statusCode } = deliveryError(err));
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
      nextAttemptAt:
        succeeded || attempts >= MAX_DELIVERY_ATTEMPTS ? null : new Date(Date.now() + 2000 * 2 ** attempts),
    },
  });
  if (!succeeded && attempts < MAX_DELIVERY_ATTEMPTS)
    throw new Error(`Webhook delivery ${delivery.id} failed: ${error}`);
}
