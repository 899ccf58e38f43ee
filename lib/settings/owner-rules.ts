import "server-only";
// Owner protection: only owners grant, change or remove the owner role, and a workspace
// always keeps at least one owner.
import type { Tx } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import type { ActorMembership } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/capabilities";
import { conflict } from "./shared";

export function assertMayTouchOwner(caller: ActorMembership, ...roles: Role[]): void {
  if (caller.role !== "owner" && roles.includes("owner")) {
    throw new ApiError("forbidden", "Only an owner can grant, change or remove the owner role.", {
      reasonCode: "owner_required",
      extra: { role: caller.role },
    });
  }
}

/**
 * Locks the workspace's owner memberships so that concurrent demotions and removals are
 * decided one after the other, then refuses when `membershipId` is the last owner.
 */
export async function assertNotLastOwner(tx: Tx, workspaceId: string, membershipId: string): Promise<void> {
  const owners = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Membership" WHERE "workspaceId" = ${workspaceId} AND role = 'owner'::"Role" FOR UPDATE`;
  const ids = owners.map((o) => o.id);
  if (ids.includes(membershipId) && ids.length <= 1) {
    throw conflict("last_owner", "A workspace needs at least one owner; make another member owner first.");
  }
}
