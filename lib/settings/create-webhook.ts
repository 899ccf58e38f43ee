import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { authorize, type Actor } from "@/lib/auth/actor";
import { encryptSecret } from "@/lib/crypto/secrets";
import { recordAudit } from "@/lib/audit/record-audit";
import type { CreateWebhookInput } from "./schemas";
import { serializeWebhook } from "./serialize";
import { auditActor } from "./shared";
import { refuseInternalTarget } from "./refuse-internal-target";

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** The signing secret is encrypted with the endpoint id as AAD and returned this once. */
export async function createWebhook(actor: Actor, workspaceId: string, input: CreateWebhookInput) {
  authorize(actor, workspaceId, "webhooks", "Workspace");
  await refuseInternalTarget(input.url, "url");
  const id = randomUUID();
  const secret = WEBHOOK_SECRET_PREFIX + randomBytes(32).toString("base64url");
  const endpoint = await db().$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id,
        workspaceId,
        url: input.url,
        description: input.description ?? null,
        events: input.events,
        secretCiphertext: encryptSecret(secret, id),
      },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "webhook.created",
      targetType: "webhook_endpoint",
      targetId: id,
      data: { url: created.url, events: created.events },
    });
    return created;
  });
  return { ...serializeWebhook(endpoint), secret };
}
