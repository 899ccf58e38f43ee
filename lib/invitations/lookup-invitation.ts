import "server-only";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/api/errors";
import { invitationState } from "./serialize";
import { hashInvitationToken } from "./token";

/**
 * What the invitation page shows. The caller holds the token, so they are the invitee: telling
 * them whether their own email has an account is no oracle about anyone else's.
 */
export async function lookupInvitation(token: string) {
  const invitation = await db().invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { workspace: { select: { name: true } } },
  });
  if (!invitation) throw notFound("Invitation");
  const account = await db().user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return {
    workspaceName: invitation.workspace.name,
    role: invitation.role,
    email: invitation.email,
    state: invitationState(invitation),
    expiresAt: invitation.expiresAt.toISOString(),
    accountExists: !!account,
  };
}
