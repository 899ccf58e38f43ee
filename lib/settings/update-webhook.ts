import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadWebhookFor } from "./load-for";
import type { UpdateWebhookInput } from "./schemas";
import { serializeWebhook } from "./serialize";
import { auditActor } from "./shared";
import { refuseInternalTarget } from "./refuse-internal-target";

export async function updateWebhook(actor: Actor, id: string, input: UpdateWebhookInput) {
  const before = await loadWebhookFor(actor, id, "webhooks");
  if (input.url !== undefined) await refuseInternalTarget(input.url, "url");
  const data: Prisma.WebhookEndpointUpdateInput = {
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.events !== undefined ? { events: input.events } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
  const after = await db().$transaction(async (tx) => {
    const updated = await tx.webhookEndpoint.update({ where: { id }, data });
    await recordAudit(tx, auditActor(actor), {
      workspaceId: before.workspaceId,
      action: "webhook.updated",
      targetType: "webhook_endpoint",
      targetId: id,
      data: {
        changed: Object.keys(data),
        before: { url: before.url, events: before.events, active: before.active },
        after: { url: updated.url, events: updated.events, active: updated.active },
      },
    });
    return updated;
  });
  return serializeWebhook(after);
}
