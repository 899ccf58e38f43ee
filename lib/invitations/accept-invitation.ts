import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/api/errors";
import type { Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record-audit";
import { isUniqueViolation } from "@/lib/db/errors";
import { conflict } from "@/lib/settings/shared";
import type { Invitation, Workspace } from "@/lib/generated/prisma/client";
import { invitationUnusable } from "./errors";
import { MIN_PASSWORD_LENGTH, type AcceptInvitationInput } from "./schemas";
import { invitationState } from "./serialize";
import { hashInvitationToken } from "./token";

type Loaded = Invitation & { workspace: Workspace };

/**
 * Accepts an invitation with its token:
 * - signed in (browser session) as the invited email → a membership with the invited role;
 * - signed in as someone else → refused: the invitation is for one address only;
 * - not signed in, no account for the email → the account (with `password`) and the membership;
 * - not signed in, an account exists → refused: sign in first, then accept.
 * Single use: the invitation is claimed with a conditional update in the same transaction as the
 * membership, so two concurrent accepts cannot both succeed.
 */
export async function acceptInvitation(actor: Actor | null, input: AcceptInvitationInput) {
  const invitation = await db().invitation.findUnique({
    where: { tokenHash: hashInvitationToken(input.token) },
    include: { workspace: true },
  });
  if (!invitation) throw notFound("Invitation");
  const state = invitationState(invitation);
  if (state !== "pending") throw invitationUnusable(state);
  return actor ? acceptSignedIn(actor, invitation) : acceptWithNewAccount(invitation, input);
}

async function acceptSignedIn(actor: Actor, invitation: Loaded) {
  if (actor.via !== "session") {
    throw new ApiError(
      "forbidden",
      "Accept an invitation in the browser, signed in as the invited person, not with an API token.",
      {
        reasonCode: "browser_session_required",
      },
    );
  }
  if (actor.email.toLowerCase() !== invitation.email) {
    throw new ApiError(
      "forbidden",
      `You are signed in as ${actor.email}, but this invitation is for another email address. Sign out first, then open the link again.`,
      { reasonCode: "invitation_email_mismatch" },
    );
  }
  if (actor.memberships.some((m) => m.workspaceId === invitation.workspaceId)) throw alreadyMember(invitation);
  try {
    await db().$transaction(async (tx) => {
      await claim(tx, invitation, actor.userId);
      await join(tx, invitation, actor.userId, false);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyMember(invitation);
    throw err;
  }
  return accepted(invitation, false);
}

async function acceptWithNewAccount(invitation: Loaded, input: AcceptInvitationInput) {
  const existing = await db().user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  if (existing) throw signInFirst();
  if (!input.password) {
    throw new ApiError("validation_failed", "Choose a password for your new account.", {
      fields: [
        { field: "password", message: `Required: at least ${MIN_PASSWORD_LENGTH} characters`, code: "too_small" },
      ],
    });
  }
  const passwordHash = await hashPassword(input.password);
  try {
    await db().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: invitation.email, name: input.name ?? null, passwordHash },
        select: { id: true },
      });
      await claim(tx, invitation, user.id);
      await join(tx, invitation, user.id, true);
    });
  } catch (err) {
    // The account was created meanwhile (another tab, the admin CLI): it must sign in.
    if (isUniqueViolation(err)) throw signInFirst();
    throw err;
  }
  return accepted(invitation, true);
}

/** Marks the invitation used if it still is pending; otherwise says why not (and rolls back). */
async function claim(tx: Tx, invitation: Loaded, userId: string): Promise<void> {
  const now = new Date();
  const { count } = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now, acceptedById: userId },
  });
  if (count === 1) return;
  const current = await tx.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
  const state = invitationState(current, now);
  throw invitationUnusable(state === "pending" ? "accepted" : state);
}

async function join(tx: Tx, invitation: Loaded, userId: string, accountCreated: boolean): Promise<void> {
  const membership = await tx.membership.create({
    data: { workspaceId: invitation.workspaceId, userId, role: invitation.role },
  });
  await recordAudit(
    tx,
    { userId, label: invitation.email },
    {
      workspaceId: invitation.workspaceId,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: invitation.id,
      data: { email: invitation.email, role: invitation.role, userId, membershipId: membership.id, accountCreated },
    },
  );
}

function accepted(invitation: Loaded, accountCreated: boolean) {
  const { workspace } = invitation;
  return {
    workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
    role: invitation.role,
    email: invitation.email,
    accountCreated,
  };
}

const alreadyMember = (invitation: Loaded) =>
  conflict("already_member", `You are already a member of ${invitation.workspace.name}; nothing was changed.`);

const signInFirst = () =>
  new ApiError(
    "unauthenticated",
    "An account with this email already exists. Sign in with it, then accept the invitation.",
    {
      reasonCode: "sign_in_required",
    },
  );
