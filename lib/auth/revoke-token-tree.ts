import "server-only";
// No "server-only": the admin CLI and scripts/e2e.ts (plain tsx) import this through admin-ops.
// Revoking a token revokes every token created through it (children, their children, …):
// a token that leaked must not leave working descendants behind. Inside the caller's
// transaction; each revoked token gets its own audit event.
import type { Tx } from "@/lib/db/client";
import { recordAudit, type AuditActor } from "@/lib/audit/record-audit";

interface RevokedRow {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
}

/** Revokes `tokenId` and its live descendants; returns what it revoked (nothing if all were). */
export async function revokeTokenTree(tx: Tx, actor: AuditActor, tokenId: string): Promise<RevokedRow[]> {
  // Lock the root first: a child being created through it (create-token.ts locks the parent
  // too) is either committed before this point, and seen by the next statement, or sees the
  // root revoked and is refused.
  await tx.$queryRaw`SELECT "id" FROM "ApiToken" WHERE "id" = ${tokenId} FOR UPDATE`;
  const revoked = await tx.$queryRaw<RevokedRow[]>`
    WITH RECURSIVE tree AS (
      SELECT "id" FROM "ApiToken" WHERE "id" = ${tokenId}
      UNION
      SELECT c."id" FROM "ApiToken" c JOIN tree ON c."parentTokenId" = tree."id"
    )
    UPDATE "ApiToken" SET "revokedAt" = ${new Date()}
    WHERE "id" IN (SELECT "id" FROM tree) AND "revokedAt" IS NULL
    RETURNING "id", "workspaceId", "name", "prefix"`;
  for (const t of revoked) {
    await recordAudit(tx, actor, {
      workspaceId: t.workspaceId,
      action: "api_token.revoked",
      targetType: "api_token",
      targetId: t.id,
      data: { name: t.name, prefix: t.prefix, ...(t.id === tokenId ? {} : { revokedWith: tokenId }) },
    });
  }
  return revoked;
}
