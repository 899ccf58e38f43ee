import "server-only";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { authorize, type Actor } from "@/lib/auth/actor";
import { generateToken } from "@/lib/auth/api-token";
import { roleAtMost } from "@/lib/auth/capabilities";
import { recordAudit } from "@/lib/audit/record-audit";
import type { CreateTokenInput } from "./schemas";
import { serializeToken } from "./serialize";
import { auditActor } from "./shared";

const DAY_MS = 86_400_000;

/** The earlier of the requested expiry and the parent's; a parent that expires caps "never". */
export function cappedExpiry(requested: Date | null, parent: Date | null): Date | null {
  if (!parent) return requested;
  if (!requested) return parent;
  return requested < parent ? requested : parent;
}

/**
 * A token owned by the caller, with at most the caller's role. The token is returned this once.
 * A token may create tokens (automation rotates its own): the child records its parent, never
 * outlives it (expiry capped at the parent's) and is revoked with it (revoke-token-tree.ts).
 */
export async function createToken(actor: Actor, workspaceId: string, input: CreateTokenInput) {
  const caller = authorize(actor, workspaceId, "tokens", "Workspace");
  const role = roleAtMost(input.role, caller.role);
  const { token, prefix, hash } = generateToken();
  const requested = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null;
  const record = await db().$transaction(async (tx) => {
    let expiresAt = requested;
    if (actor.tokenId) {
      // Locked so that revoking the parent cannot miss a child created at the same moment.
      const [parent] = await tx.$queryRaw<{ revokedAt: Date | null; expiresAt: Date | null }[]>`
        SELECT "revokedAt", "expiresAt" FROM "ApiToken" WHERE "id" = ${actor.tokenId} FOR UPDATE`;
      if (!parent || parent.revokedAt || (parent.expiresAt && parent.expiresAt <= new Date())) {
        throw new ApiError("unauthenticated", "This API token has been revoked or has expired.");
      }
      expiresAt = cappedExpiry(requested, parent.expiresAt);
    }
    const created = await tx.apiToken.create({
      data: {
        workspaceId,
        userId: actor.userId,
        name: input.name,
        role,
        prefix,
        tokenHash: hash,
        expiresAt,
        parentTokenId: actor.tokenId ?? null,
      },
      include: { user: { select: { email: true } } },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "api_token.created",
      targetType: "api_token",
      targetId: created.id,
      data: {
        name: created.name,
        prefix,
        role,
        requestedRole: input.role,
        expiresAt: created.expiresAt?.toISOString() ?? null,
        requestedExpiresAt: requested?.toISOString() ?? null,
        parentTokenId: created.parentTokenId,
      },
    });
    return created;
  });
  return { ...serializeToken(record), token };
}
