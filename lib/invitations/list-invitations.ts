import "server-only";
import { db } from "@/lib/db/client";
import { authorize, type Actor } from "@/lib/auth/actor";
import { serializeInvitation } from "./serialize";

/** How long accepted, revoked and expired invitations stay in the list. */
const RECENT_MS = 30 * 24 * 60 * 60 * 1000;
const LIMIT = 200;

/** Pending invitations and those that ended in the last 30 days, newest first. */
export async function listInvitations(actor: Actor, workspaceId: string) {
  authorize(actor, workspaceId, "members", "Workspace");
  const now = new Date();
  const since = new Date(now.getTime() - RECENT_MS);
  const rows = await db().invitation.findMany({
    where: {
      workspaceId,
      OR: [
        { acceptedAt: null, revokedAt: null, expiresAt: { gt: since } },
        { acceptedAt: { gt: since } },
        { revokedAt: { gt: since } },
      ],
    },
    include: { invitedBy: { select: { email: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LIMIT,
  });
  return { items: rows.map((r) => serializeInvitation(r, now)) };
}
