import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadWebhookFor } from "./load-for";
import { auditActor } from "./shared";

/** Deletes the endpoint and its delivery log; the audit trail keeps the record of it. */
export async function deleteWebhook(actor: Actor, id: string): Promise<void> {
  const endpoint = await loadWebhookFor(actor, id, "webhooks");
  await db().$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.deleteMany({ where: { id } });
    if (count === 0) return;
    await recordAudit(tx, auditActor(actor), {
      workspaceId: endpoint.workspaceId,
      action: "webhook.deleted",
      targetType: "webhook_endpoint",
      targetId: id,
      data: { url: endpoint.url, events: endpoint.events },
    });
  });
}
