import "server-only";
// User.sessionVersion: a browser session (JWT) carries the version it was issued under and is
// accepted only while the user's version is unchanged. Bumped on sign-out, password change and
// removal from a workspace.
import { db, type Tx } from "@/lib/db/client";

export async function bumpSessionVersion(userId: string, tx: Tx = db()): Promise<void> {
  await tx.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}

/**
 * The version a JWT carries. Cookies issued before versions existed carry none and count as
 * version 1 (every user's first), so they stay valid until the user's first bump.
 */
export function jwtSessionVersion(token: object | null | undefined): number {
  const sv = (token as { sv?: unknown } | null | undefined)?.sv;
  return typeof sv === "number" && Number.isInteger(sv) ? sv : 1;
}
