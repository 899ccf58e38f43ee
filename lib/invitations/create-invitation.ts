import "server-only";
import { db } from "@/lib/db/client";
import { authorize, auditActor, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { assertMayTouchOwner } from "@/lib/settings/owner-rules";
import { conflict } from "@/lib/settings/shared";
import { sendMail } from "@/lib/mail/send-mail";
import type { CreateInvitationInput } from "./schemas";
import { serializeInvitation } from "./serialize";
import { generateInvitationToken } from "./token";
import { invitationMail } from "./invitation-mail";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Invites an email with a role. The token is returned once (in the link) and only its hash is
 * kept; a pending invitation of the same email is revoked so that one link at most works.
 * Whether the email has an account elsewhere is never looked at: that would be an oracle.
 */
export async function createInvitation(
  actor: Actor,
  workspaceId: string,
  input: CreateInvitationInput,
  origin: string,
) {
  const caller = authorize(actor, workspaceId, "members", "Workspace");
  assertMayTouchOwner(caller, input.role);
  const { token, hash } = generateInvitationToken();
  const now = new Date();
  const { invitation, workspaceName } = await db().$transaction(async (tx) => {
    // Two invitations of one email at once must not both stay pending.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`invitation:${workspaceId}:${input.email}`}, 0))`;
    const member = await tx.membership.findFirst({
      where: { workspaceId, user: { email: input.email } },
      select: { id: true },
    });
    if (member) {
      throw conflict("already_member", `${input.email} is already a member of this workspace.`, {
        fields: [{ field: "email", message: "Already a member", code: "already_member" }],
      });
    }
    const superseded = await tx.invitation.findMany({
      where: { workspaceId, email: input.email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true },
    });
    if (superseded.length) {
      await tx.invitation.updateMany({ where: { id: { in: superseded.map((s) => s.id) } }, data: { revokedAt: now } });
      for (const s of superseded) {
        await recordAudit(tx, auditActor(actor), {
          workspaceId,
          action: "invitation.revoked",
          targetType: "invitation",
          targetId: s.id,
          reason: "superseded by a new invitation",
          data: { email: input.email },
        });
      }
    }
    const created = await tx.invitation.create({
      data: {
        workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: hash,
        invitedById: actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
      include: { invitedBy: { select: { email: true } }, workspace: { select: { name: true } } },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "invitation.created",
      targetType: "invitation",
      targetId: created.id,
      data: {
        email: input.email,
        role: input.role,
        expiresAt: created.expiresAt.toISOString(),
        superseded: superseded.map((s) => s.id),
      },
    });
    return { invitation: created, workspaceName: created.workspace.name };
  });

  const inviteUrl = `${origin}/invite/${token}`;
  const emailed = await sendMail(
    invitationMail({
      to: invitation.email,
      workspaceName,
      role: invitation.role,
      inviterEmail: actor.email,
      inviteUrl,
      expiresAt: invitation.expiresAt,
    }),
    { invitationId: invitation.id },
  );
  return { invitation: serializeInvitation(invitation, now), inviteUrl, emailed };
}
