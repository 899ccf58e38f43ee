import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { bumpSessionVersion } from "@/lib/auth/session-version";
import { loadMemberFor } from "./load-for";
import { assertMayTouchOwner, assertNotLastOwner } from "./owner-rules";
import { auditActor } from "./shared";

/**
 * Removes the membership and revokes the member's API tokens for this workspace, so that
 * adding the user back later does not bring old tokens back to life, and ends the member's
 * browser sessions (a session open on this workspace's pages would otherwise keep rendering
 * what was loaded, and sessions are per user, not per workspace).
 */
export async function removeMember(actor: Actor, workspaceId: string, userId: string): Promise<void> {
  const { caller, member } = await loadMemberFor(actor, workspaceId, userId, "members");
  assertMayTouchOwner(caller, member.role);
  await db().$transaction(async (tx) => {
    await assertNotLastOwner(tx, workspaceId, member.id);
    const { count } = await tx.membership.deleteMany({ where: { id: member.id } });
    if (count === 0) return;
    const revoked = await tx.apiToken.updateMany({
      where: { workspaceId, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await bumpSessionVersion(userId, tx);
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "member.removed",
      targetType: "membership",
      targetId: member.id,
      data: { userId, email: member.user.email, role: member.role, tokensRevoked: revoked.count, sessionsEnded: true },
    });
  });
}
