// The one owner of a session's derived state: status, lifecycleState, checkpoints, reason codes
// and the seed `steps`, recalculated from the session and its runs. Nothing else writes them.
import type { CheckpointKey, SeedStep, SeedStepStatus } from "./constants";
import { initialSteps, PIPELINE_STEPS } from "./constants";

type Status = "pending" | "in_progress" | "completed" | "failed" | "cancelled";
type Lifecycle =
  | "draft"
  | "verifying"
  | "action_required"
  | "ready_for_bootstrap"
  | "bootstrapping"
  | "bootstrap_failed"
  | "ready_for_activation"
  | "active"
  | "cancelled";

export interface LifecycleSessionInput {
  slug: string;
  connectionId: string | null;
  /** The infrastructure connection; absent or null = the simulated default. */
  infraConnectionId?: string | null;
  stackTemplateId: string | null;
  draft: unknown;
  status: Status;
  steps: unknown;
  provisionJobId: string | null;
  currentCheckpoint: CheckpointKey;
  cancelledAt: Date | null;
  activatedAt: Date | null;
}

export interface LifecycleRunInput {
  kind: "verify_access" | "bootstrap" | "deprovision" | "recheck_access";
  status: "queued" | "running" | "completed";
  outcome: "succeeded" | "failed" | "cancelled" | "blocked" | null;
  reasonCode: string | null;
  report: unknown;
  steps: { key: string; status: string; errorCode: string | null; errorMessage: string | null; result: unknown }[];
}

export interface DerivedState {
  status: Status;
  lifecycleState: Lifecycle;
  currentCheckpoint: CheckpointKey;
  lastCompletedCheckpoint: CheckpointKey | null;
  reasonCode: string | null;
  blockingReasonCode: string | null;
  steps: SeedStep[];
}

/** The session columns deriveLifecycle owns (every write stores them; checks compare them). */
export const DERIVED_FIELDS = [
  "status",
  "lifecycleState",
  "currentCheckpoint",
  "lastCompletedCheckpoint",
  "reasonCode",
  "blockingReasonCode",
  "steps",
] as const satisfies readonly (keyof DerivedState)[];

/** What a verification was run against; a change to any of it makes the result stale. */
export function verificationFingerprint(
  s: Pick<LifecycleSessionInput, "slug" | "connectionId" | "infraConnectionId" | "stackTemplateId">,
): string {
  // The infrastructure part is appended only when set, so reports written before it existed
  // (simulated infrastructure) still match.
  const parts = [s.slug, s.connectionId ?? "simulated", s.stackTemplateId ?? ""];
  if (s.infraConnectionId) parts.push(`infra:${s.infraConnectionId}`);
  return parts.join("|");
}

export function connectDone(draft: unknown): boolean {
  return typeof draft === "object" && draft !== null && (draft as Record<string, unknown>).connectConfirmed === true;
}

const RUN_STEP_TO_SEED: Record<string, SeedStepStatus> = {
  pending: "pending",
  running: "in_progress",
  succeeded: "completed",
  failed: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
};

export function stepsFromRun(run: LifecycleRunInput): SeedStep[] {
  return PIPELINE_STEPS.map(({ key, label }) => {
    const step = run.steps.find((s) => s.key === key);
    if (!step) return { key, label, status: "pending" };
    const status = RUN_STEP_TO_SEED[step.status] ?? "pending";
    const result =
      status === "failed"
        ? { error: { code: step.errorCode, message: step.errorMessage } }
        : status === "completed"
          ? (step.result ?? undefined)
          : undefined;
    return result === undefined ? { key, label, status } : { key, label, status, result };
  });
}

function firstFailedStep(steps: SeedStep[]): string | undefined {
  return steps.find((s) => s.status === "failed")?.key;
}

function reportChecks(report: unknown): { status: string; reasonCode?: string }[] {
  const checks = (report as { checks?: unknown } | null)?.checks;
  return Array.isArray(checks) ? (checks as { status: string; reasonCode?: string }[]) : [];
}

function reportFingerprint(report: unknown): string | undefined {
  return (report as { fingerprint?: string } | null)?.fingerprint;
}

function sessionSteps(session: LifecycleSessionInput): SeedStep[] {
  return Array.isArray(session.steps) && session.steps.length > 0 ? (session.steps as SeedStep[]) : initialSteps();
}

export function deriveLifecycle(
  session: LifecycleSessionInput,
  latest: { verify?: LifecycleRunInput | null; bootstrap?: LifecycleRunInput | null },
): DerivedState {
  const bootstrap = latest.bootstrap ?? null;
  const steps = bootstrap ? stepsFromRun(bootstrap) : sessionSteps(session);
  const base = { steps, reasonCode: null, blockingReasonCode: null };

  if (session.cancelledAt) {
    return {
      ...base,
      status: "cancelled",
      lifecycleState: "cancelled",
      currentCheckpoint: session.currentCheckpoint,
      lastCompletedCheckpoint: null,
      reasonCode: "cancelled_by_operator",
    };
  }
  if (session.activatedAt) {
    return {
      ...base,
      status: "completed",
      lifecycleState: "active",
      currentCheckpoint: "activate",
      lastCompletedCheckpoint: "activate",
    };
  }

  const pipeline = bootstrap
    ? bootstrapState(bootstrap, steps)
    : session.provisionJobId
      ? externalState(session.status, steps)
      : null;
  if (pipeline) return { ...base, ...pipeline };

  const verify = latest.verify ?? null;
  const connected = connectDone(session.draft) || session.connectionId !== null || !!session.infraConnectionId;
  if (
    verify &&
    reportFingerprint(verify.report) !== undefined &&
    reportFingerprint(verify.report) !== verificationFingerprint(session) &&
    verify.status === "completed"
  ) {
    return {
      ...base,
      status: "pending",
      lifecycleState: "draft",
      currentCheckpoint: "verify_access",
      lastCompletedCheckpoint: "connect",
      reasonCode: "reverify_required",
    };
  }
  if (verify) {
    const v = verifyState(verify);
    if (v) return { ...base, ...v };
  }
  return connected
    ? {
        ...base,
        status: "pending",
        lifecycleState: "draft",
        currentCheckpoint: "verify_access",
        lastCompletedCheckpoint: "connect",
      }
    : {
        ...base,
        status: "pending",
        lifecycleState: "draft",
        currentCheckpoint: "connect",
        lastCompletedCheckpoint: "identify",
      };
}

type Partial = Omit<DerivedState, "steps" | "reasonCode" | "blockingReasonCode"> & {
  reasonCode?: string | null;
  blockingReasonCode?: string | null;
};

function bootstrapState(run: LifecycleRunInput, steps: SeedStep[]): Partial {
  if (run.status !== "completed") {
    return {
      status: "in_progress",
      lifecycleState: "bootstrapping",
      currentCheckpoint: "bootstrap",
      lastCompletedCheckpoint: "verify_access",
    };
  }
  if (run.outcome === "succeeded") {
    return {
      status: "completed",
      lifecycleState: "ready_for_activation",
      currentCheckpoint: "activate",
      lastCompletedCheckpoint: "bootstrap",
    };
  }
  const failedStep = firstFailedStep(steps);
  const reasonCode =
    run.outcome === "cancelled"
      ? "bootstrap_cancelled"
      : (run.reasonCode ?? (failedStep ? `step_failed:${failedStep}` : "bootstrap_failed"));
  return {
    status: "failed",
    lifecycleState: "bootstrap_failed",
    currentCheckpoint: "bootstrap",
    lastCompletedCheckpoint: "verify_access",
    reasonCode,
  };
}

/** An external executor reports progress through PATCH (seed §4); honour what it said. */
function externalState(status: Status, steps: SeedStep[]): Partial | null {
  if (status === "in_progress") return bootstrapState({ status: "running" } as LifecycleRunInput, steps);
  if (status === "completed")
    return bootstrapState({ status: "completed", outcome: "succeeded" } as LifecycleRunInput, steps);
  if (status === "failed")
    return bootstrapState({ status: "completed", outcome: "failed", reasonCode: null } as LifecycleRunInput, steps);
  return null;
}

function verifyState(run: LifecycleRunInput): Partial | null {
  if (run.status !== "completed") {
    return {
      status: "in_progress",
      lifecycleState: "verifying",
      currentCheckpoint: "verify_access",
      lastCompletedCheckpoint: "connect",
    };
  }
  const checks = reportChecks(run.report);
  if (run.outcome === "succeeded") {
    const warned = checks.some((c) => c.status === "warn");
    return {
      status: "pending",
      lifecycleState: "ready_for_bootstrap",
      currentCheckpoint: "bootstrap",
      lastCompletedCheckpoint: "verify_access",
      reasonCode: warned ? "verified_with_warnings" : null,
    };
  }
  if (run.outcome === "blocked" || run.outcome === "failed") {
    const blocking = checks.find((c) => c.status === "fail")?.reasonCode ?? run.reasonCode ?? "verify_failed";
    return {
      status: "pending",
      lifecycleState: "action_required",
      currentCheckpoint: "verify_access",
      lastCompletedCheckpoint: "connect",
      reasonCode: run.outcome === "failed" ? (run.reasonCode ?? "verify_failed") : "verification_blocked",
      blockingReasonCode: blocking,
    };
  }
  return null; // cancelled verification: back to where the operator was
}
