import "server-only";
// Health of an active run, separate from its status: healthy, retrying (a step failed
// transiently and waits for its next attempt) or stalled (no sign of progress: no heartbeat, no
// worker picked it up, a step far past its budget). The worker and the sweep store it on the run;
// reads derive it again from the timestamps, so a run whose workers all died reads "stalled" even
// when no process is left to write it.
import type { OperationRun, OperationRunAttempt, OperationRunStep } from "@/lib/generated/prisma/client";
import { STALL_AFTER_MS, STEP_MAX_ATTEMPTS, STEP_OVER_BUDGET_GRACE_MS, STEP_TIMEOUT_MS } from "./definitions";

export type HealthStatus = "healthy" | "retrying" | "stalled";

export interface RunHealthView {
  runId: string;
  runKind: string;
  status: HealthStatus;
  /** e.g. retrying:github_rate_limited, stalled:no_heartbeat, stalled:not_picked_up, stalled:step_over_budget */
  reason: string | null;
  stepKey: string | null;
  stepLabel: string | null;
  /** Attempt of the current step (the one running, or the next one while retrying). */
  attempt: number | null;
  maxAttempts: number;
  nextAttemptAt: string | null;
  /** The current attempt's elapsed time against the step's time budget. */
  stepElapsedMs: number | null;
  stepBudgetMs: number;
  /** Last sign of life: the lease's heartbeat, or when the run was queued. */
  lastProgressAt: string;
  silentForMs: number;
}

type HealthRun = Pick<
  OperationRun,
  "id" | "kind" | "status" | "health" | "healthReason" | "nextAttemptAt" | "heartbeatAt" | "leaseOwner" | "createdAt"
>;

export function deriveHealth(
  run: HealthRun,
  steps: Pick<OperationRunStep, "key" | "label" | "status" | "attempts">[],
  /** The newest attempt row of the run (its `attempt` counts within the current execution of the step). */
  latest: Pick<OperationRunAttempt, "stepKey" | "attempt" | "startedAt" | "finishedAt"> | null,
  now = new Date(),
): RunHealthView | null {
  if (run.status !== "queued" && run.status !== "running") return null;
  const step =
    steps.find((s) => s.status === "running") ??
    steps.find((s) => s.status !== "succeeded" && s.status !== "skipped") ??
    null;
  const lastProgress = run.heartbeatAt ?? run.createdAt;
  const silentForMs = Math.max(0, now.getTime() - lastProgress.getTime());
  const open = latest && !latest.finishedAt ? latest : null;
  const stepElapsedMs = open ? Math.max(0, now.getTime() - open.startedAt.getTime()) : null;
  let status: HealthStatus = run.health === "retrying" ? "retrying" : "healthy";
  let reason = status === "retrying" ? run.healthReason : null;
  if (silentForMs > STALL_AFTER_MS) {
    status = "stalled";
    reason = run.leaseOwner ? "stalled:no_heartbeat" : "stalled:not_picked_up";
  } else if (stepElapsedMs !== null && stepElapsedMs > STEP_TIMEOUT_MS + STEP_OVER_BUDGET_GRACE_MS) {
    status = "stalled";
    reason = "stalled:step_over_budget";
  }
  const retrying = status === "retrying";
  return {
    runId: run.id,
    runKind: run.kind,
    status,
    reason,
    stepKey: step?.key ?? null,
    stepLabel: step?.label ?? null,
    attempt: attemptOf(step, latest, retrying),
    maxAttempts: STEP_MAX_ATTEMPTS,
    nextAttemptAt: retrying && run.nextAttemptAt ? run.nextAttemptAt.toISOString() : null,
    stepElapsedMs,
    stepBudgetMs: STEP_TIMEOUT_MS,
    lastProgressAt: lastProgress.toISOString(),
    silentForMs,
  };
}

function attemptOf(
  step: Pick<OperationRunStep, "key" | "attempts"> | null,
  latest: Pick<OperationRunAttempt, "stepKey" | "attempt"> | null,
  retrying: boolean,
): number | null {
  if (!step) return null;
  const current = latest && latest.stepKey === step.key ? latest.attempt : step.attempts;
  return retrying ? current + 1 : Math.max(current, 1);
}
