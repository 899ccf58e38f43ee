import "server-only";
// The signed-in operator of a server page, or null when the cookie is missing, invalid or
// belongs to a session that has ended (sign-out, password change, removal: see session-version).
import { getServerSession } from "next-auth";
import { authOptions } from "./next-auth";
import { actorForUser, type Actor } from "./actor";
import { jwtSessionVersion } from "./session-version";

export async function currentSessionUser(): Promise<{ id: string; email: string; actor: Actor } | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!session || !id) return null;
  const actor = await actorForUser(id, "session", jwtSessionVersion(session));
  return actor ? { id: actor.userId, email: actor.email, actor } : null;
}
