import "server-only";
// Load an onboarding and check the caller's capability in its workspace (not a member → 404).
import { db } from "@/lib/db/client";
import type { OnboardingSession } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/api/errors";
import { authorize, type Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/capabilities";

export async function loadSessionFor(
  actor: Actor,
  id: string,
  capability: Parameters<typeof authorize>[2],
): Promise<OnboardingSession> {
  const session = await db().onboardingSession.findUnique({ where: { id } });
  if (!session) throw notFound("Onboarding");
  authorize(actor, session.workspaceId, capability, "Onboarding");
  return session;
}

/**
 * An onboarding and the caller's role in its workspace, already loaded and authorized (by the
 * route wrapper, for routes declared with `record: "onboarding"`): the use cases take it
 * instead of loading the session a second time.
 */
export interface SessionAccess {
  session: OnboardingSession;
  role: Role;
}
