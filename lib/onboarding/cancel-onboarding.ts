import "server-only";
// Cancel an onboarding and stop its active runs, in one transaction.
import { auditActor, type Actor } from "@/lib/auth/actor";
import { mutateSession, type VersionSource } from "./mutate-session";
import { assertAllowed, assertRole } from "./actions";
import { latestRunsOf } from "./queries";
import type { SessionAccess } from "./load-session-for";
import { cancelActiveRunsInTx } from "@/lib/runs/start-run";

export async function cancelOnboarding(
  actor: Actor,
  { session: { id }, role }: SessionAccess,
  base: { version: number; source: VersionSource },
  reason?: string,
) {
  assertRole("cancel", role);
  return mutateSession({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: "onboarding.cancelled",
    reason: reason ?? null,
    change: async (session, tx) => {
      assertAllowed("cancel", { session, runs: await latestRunsOf(tx, id), role });
      await cancelActiveRunsInTx(tx, id, auditActor(actor));
      return { cancelledAt: new Date(), activeSlug: null };
    },
  });
}
