import "server-only";
// OperationRunCompleted: when a run ends, the person who started it learns how it ended. Called
// inside the transaction that marks the run completed, so the notification exists exactly when
// the end does; (runId, runAttempt, userId) is unique and the insert skips duplicates, so two
// workers (or a retried transaction) finishing the same end write one row.
import type { Tx } from "@/lib/db/client";
import type { OperationRun } from "@/lib/generated/prisma/client";

type Outcome = "succeeded" | "failed" | "cancelled" | "blocked";

const WHAT: Record<string, string> = {
  verify_access: "Verification",
  bootstrap: "Bootstrap",
  deprovision: "Deprovisioning",
  recheck_access: "Re-check",
};

const ENDED: Record<Outcome, string> = {
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "was cancelled",
  blocked: "needs action",
};

export function notificationText(
  kind: string,
  outcome: Outcome,
  platformName: string,
  reasonCode: string | null,
): { title: string; body: string } {
  const title = `${WHAT[kind] ?? kind} ${ENDED[outcome]} — ${platformName}`;
  const body =
    outcome === "succeeded"
      ? kind === "verify_access"
        ? "Every access check passed; bootstrap can start."
        : kind === "bootstrap"
          ? "The platform is ready to activate."
          : "Finished."
      : outcome === "blocked"
        ? "Some access checks failed; each one says who can fix it."
        : reasonCode
          ? `Reason: ${reasonCode}.`
          : "";
  return { title, body };
}

export async function notifyRunEndedInTx(
  tx: Tx,
  run: Pick<OperationRun, "id" | "workspaceId" | "sessionId" | "kind" | "attempt" | "initiatorId" | "reasonCode">,
  outcome: Outcome,
  /** The session's platform name when the caller has it (saves a read). */
  platformName?: string,
): Promise<void> {
  // A system-started run has nobody to tell.
  if (!run.initiatorId) return;
  const name =
    platformName ??
    (await tx.onboardingSession.findUnique({ where: { id: run.sessionId }, select: { platformName: true } }))
      ?.platformName;
  const { title, body } = notificationText(run.kind, outcome, name ?? "an onboarding", run.reasonCode);
  await tx.notification.createMany({
    data: [
      {
        workspaceId: run.workspaceId,
        userId: run.initiatorId,
        kind: `run_${outcome}`,
        runId: run.id,
        runAttempt: run.attempt,
        title,
        body,
        href: `/runs/${run.id}`,
      },
    ],
    skipDuplicates: true,
  });
}
