import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { revokeTokenTree } from "@/lib/auth/revoke-token-tree";
import { loadTokenFor } from "./load-for";
import { auditActor } from "./shared";

/**
 * Revokes the token and every token created through it, in one transaction, each audited.
 * Idempotent: when nothing is left to revoke it changes nothing and writes no audit event.
 */
export async function revokeToken(actor: Actor, tokenId: string): Promise<void> {
  const token = await loadTokenFor(actor, tokenId, "tokens");
  await db().$transaction(async (tx) => {
    await revokeTokenTree(tx, auditActor(actor), token.id);
  });
}
