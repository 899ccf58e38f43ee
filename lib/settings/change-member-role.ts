import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadMemberFor } from "./load-for";
import { assertMayTouchOwner, assertNotLastOwner } from "./owner-rules";
import type { UpdateMemberInput } from "./schemas";
import { serializeMember } from "./serialize";
import { auditActor } from "./shared";

/** The member's API tokens follow at once: a token acts with at most its owner's current role. */
export async function changeMemberRole(actor: Actor, workspaceId: string, userId: string, input: UpdateMemberInput) {
  const { caller, member } = await loadMemberFor(actor, workspaceId, userId, "members");
  assertMayTouchOwner(caller, member.role, input.role);
  if (member.role === input.role) return serializeMember(member);
  const updated = await db().$transaction(async (tx) => {
    if (input.role !== "owner") await assertNotLastOwner(tx, workspaceId, member.id);
    const row = await tx.membership.update({
      where: { id: member.id },
      data: { role: input.role },
      include: { user: { select: { email: true, name: true } } },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "member.role_changed",
      targetType: "membership",
      targetId: member.id,
      data: { userId, email: member.user.email, from: member.role, to: input.role },
    });
    return row;
  });
  return serializeMember(updated);
}
