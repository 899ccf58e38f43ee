import "server-only";
// Activate the platform: after a clean bootstrap, or with an override and a written reason.
import { auditActor, type Actor } from "@/lib/auth/actor";
import { mutateSession, type VersionSource } from "./mutate-session";
import { assertAllowed, assertRole } from "./actions";
import { latestRunsOf } from "./queries";
import type { SessionAccess } from "./load-session-for";

export async function activateOnboarding(
  actor: Actor,
  { session: { id }, role }: SessionAccess,
  base: { version: number; source: VersionSource },
  opts: { override?: boolean; reason?: string },
) {
  const action = opts.override ? "overrideActivate" : "activate";
  assertRole(action, role);
  return mutateSession({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: opts.override ? "onboarding.activated_with_override" : "onboarding.activated",
    reason: opts.reason ?? null,
    change: async (session, tx) => {
      assertAllowed(action, { session, runs: await latestRunsOf(tx, id), role });
      const now = new Date();
      if (session.platformId) {
        await tx.platform.update({ where: { id: session.platformId }, data: { status: "active", activatedAt: now } });
      }
      return {
        activatedAt: now,
        completedAt: session.completedAt ?? now,
        activationOverrideReason: opts.override ? opts.reason : null,
      };
    },
  });
}
