import "server-only";
import { db } from "@/lib/db/client";
import { authorize, type Actor } from "@/lib/auth/actor";
import { generateToken } from "@/lib/auth/api-token";
import { roleAtMost } from "@/lib/auth/capabilities";
import { recordAudit } from "@/lib/audit/record-audit";
import type { CreateTokenInput } from "./schemas";
import { serializeToken } from "./serialize";
import { auditActor } from "./shared";

const DAY_MS = 86_400_000;

/** A token owned by the caller, with at most the caller's role. The token is returned this once. */
export async function createToken(actor: Actor, workspaceId: string, input: CreateTokenInput) {
  const caller = authorize(actor, workspaceId, "tokens", "Workspace");
  const role = roleAtMost(input.role, caller.role);
  const { token, prefix, hash } = generateToken();
  const record = await db().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        workspaceId,
        userId: actor.userId,
        name: input.name,
        role,
        prefix,
        tokenHash: hash,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
      },
      include: { user: { select: { email: true } } },
    });
    await recordAudit(tx, auditActor(actor), {
      workspaceId,
      action: "api_token.created",
      targetType: "api_token",
      targetId: created.id,
      data: { name: created.name, prefix, role, requestedRole: input.role, expiresAt: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { ...serializeToken(record), token };
}
