import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadTokenFor } from "./load-for";
import { auditActor } from "./shared";

/** Idempotent: revoking a revoked token changes nothing and writes no audit event. */
export async function revokeToken(actor: Actor, tokenId: string): Promise<void> {
  const token = await loadTokenFor(actor, tokenId, "tokens");
  if (token.revokedAt) return;
  await db().$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return;
    await recordAudit(tx, auditActor(actor), {
      workspaceId: token.workspaceId,
      action: "api_token.revoked",
      targetType: "api_token",
      targetId: token.id,
      data: { name: token.name, prefix: token.prefix },
    });
  });
}
