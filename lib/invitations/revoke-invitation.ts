import "server-only";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/api/errors";
import { authorize, auditActor, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { assertMayTouchOwner } from "@/lib/settings/owner-rules";
import { invitationUnusable } from "./errors";

/**
 * Revokes an invitation of the caller's workspace (the workspace comes from the record; another
 * workspace's answers 404). Idempotent; an accepted invitation cannot be revoked — remove the
 * member instead.
 */
export async function revokeInvitation(actor: Actor, id: string): Promise<void> {
  const invitation = await db().invitation.findUnique({ where: { id } });
  if (!invitation) throw notFound("Invitation");
  const caller = authorize(actor, invitation.workspaceId, "members", "Invitation");
  assertMayTouchOwner(caller, invitation.role);
  if (invitation.acceptedAt) throw invitationUnusable("accepted");
  if (invitation.revokedAt) return;
  await db().$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.invitation.updateMany({
      where: { id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    if (count === 0) {
      // Accepted or revoked meanwhile: decide again from what is there now.
      const current = await tx.invitation.findUniqueOrThrow({ where: { id } });
      if (current.acceptedAt) throw invitationUnusable("accepted");
      return;
    }
    await recordAudit(tx, auditActor(actor), {
      workspaceId: invitation.workspaceId,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: id,
      data: { email: invitation.email, role: invitation.role },
    });
  });
}
