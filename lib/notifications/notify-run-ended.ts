import "server-only";
// OperationRunCompleted: when a run ends, the person who started it learns how it ended. Called
// inside the transaction that marks the run completed, so the notification exists exactly when
// the end does; (runId, runAttempt, userId) is unique and the insert skips duplicates, so two
// workers (or a retried transaction) finishing the same end write one row.
import { newId } from "@/lib/db/ids";
import { utcTimestamp, type RawTx } from "@/lib/db/sql";
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

type EndedRun = Pick<
  OperationRun,
  "id" | "workspaceId" | "sessionId" | "kind" | "attempt" | "initiatorId" | "reasonCode"
>;

export async function notifyRunEndedInTx(
  tx: RawTx,
  run: EndedRun,
  outcome: Outcome,
  /** The session's platform name when the caller has it (saves a read). */
  platformName?: string,
): Promise<void> {
  // A system-started run has nobody to tell.
  if (!run.initiatorId) return;
  const name =
    platformName ??
    (
      await tx.$queryRawUnsafe<{ platformName: string }[]>(
        `SELECT "platformName" FROM "OnboardingSession" WHERE "id" = $1`,
        run.sessionId,
      )
    )[0]?.platformName;
  const insert = notificationInsertSql(run, outcome, name ?? "an onboarding", 1);
  if (insert) await tx.$executeRawUnsafe(insert.sql, ...insert.values);
}

/**
 * The notification's INSERT … SELECT with its parameters numbered from `firstParam`, or null for
 * a run nobody started. `from` (e.g. `FROM r`): written only when that CTE has a row — a run's end
 * writes it in the statement that completes the run (lib/runs/execute-run.ts).
 */
export function notificationInsertSql(
  run: EndedRun,
  outcome: Outcome,
  platformName: string,
  firstParam: number,
  from = "",
): { sql: string; values: unknown[] } | null {
  if (!run.initiatorId) return null;
  const { title, body } = notificationText(run.kind, outcome, platformName, run.reasonCode);
  const $ = (i: number) => `$${firstParam + i}`;
  return {
    sql: `INSERT INTO "Notification" ("id", "workspaceId", "userId", "kind", "runId", "runAttempt", "title", "body", "href", "createdAt")
     SELECT ${$(0)}::text, ${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::text, ${$(5)}::int, ${$(6)}::text,
       ${$(7)}::text, ${$(8)}::text, ${$(9)}::timestamp ${from}
     ON CONFLICT ("runId", "runAttempt", "userId") DO NOTHING`,
    values: [
      newId(),
      run.workspaceId,
      run.initiatorId,
      `run_${outcome}`,
      run.id,
      run.attempt,
      title,
      body,
      `/runs/${run.id}`,
      utcTimestamp(new Date()),
    ],
  };
}
