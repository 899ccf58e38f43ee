import "server-only";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { authorize, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { isUniqueViolation } from "@/lib/onboarding/errors";
import { assertMayTouchOwner } from "./owner-rules";
import type { AddMemberInput } from "./schemas";
import { serializeMember } from "./serialize";
import { auditActor, conflict } from "./shared";

const alreadyMember = (email: string) => conflict("already_member", `${email} is already a member of this workspace.`, {
  fields: [{ field: "email", message: "Already a member", code: "already_member" }],
});

/** Adds an existing user (created by sign-up or the admin CLI) to the workspace. */
export async function addMember(actor: Actor, workspaceId: string, input: AddMemberInput) {
  const caller = authorize(actor, workspaceId, "members", "Workspace");
  assertMayTouchOwner(caller, input.role);
  const user = await db().user.findUnique({ where: { email: input.email }, select: { id: true, email: true, name: true } });
  if (!user) {
    throw new ApiError("validation_failed", "No user has this email address.", {
      fields: [{ field: "email", message: "No such user; they must sign up (or be created with the admin CLI) first", code: "unknown_user" }],
    });
  }
  try {
    const member = await db().$transaction(async (tx) => {
      const existing = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId: user.id } } });
      if (existing) throw alreadyMember(user.email);
      const created = await tx.membership.create({
        data: { workspaceId, userId: user.id, role: input.role },
        include: { user: { select: { email: true, name: true } } },
      });
      await recordAudit(tx, auditActor(actor), {
        workspaceId,
        action: "member.added",
        targetType: "membership",
        targetId: created.id,
        data: { userId: user.id, email: user.email, role: input.role },
      });
      return created;
    });
    return serializeMember(member);
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyMember(user.email);
    throw err;
  }
}
