import "server-only";
// Rows → API shapes: ISO dates and a derived state; never the token or its hash.
import type { z } from "zod";
import type { Invitation, User } from "@/lib/generated/prisma/client";
import type { InvitationState, invitationResponse } from "./schemas";

/** Accepted and revoked are final; a pending invitation past its expiry is expired. */
export function invitationState(
  i: Pick<Invitation, "acceptedAt" | "revokedAt" | "expiresAt">,
  now = new Date(),
): InvitationState {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  if (i.expiresAt <= now) return "expired";
  return "pending";
}

export function serializeInvitation(
  i: Invitation & { invitedBy: Pick<User, "email"> | null },
  now = new Date(),
): z.infer<typeof invitationResponse> {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    state: invitationState(i, now),
    invitedByEmail: i.invitedBy?.email ?? null,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt ? i.acceptedAt.toISOString() : null,
    revokedAt: i.revokedAt ? i.revokedAt.toISOString() : null,
  };
}
