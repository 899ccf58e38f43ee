// The steps of each run kind, in order. Step keys are stable: the API and UI show them.
import { PIPELINE_STEPS } from "@/lib/onboarding/constants";
import { env } from "@/lib/env/env";

export type RunKind = "verify_access" | "bootstrap" | "deprovision" | "recheck_access";

export const RUN_STEPS: Record<RunKind, readonly { key: string; label: string }[]> = {
  verify_access: [
    { key: "check_infrastructure", label: "Check infrastructure access" },
    { key: "check_repository", label: "Check repository access" },
  ],
  bootstrap: PIPELINE_STEPS,
  // One check of the latest verification, run again (the verification assist's Re-check).
  recheck_access: [{ key: "recheck", label: "Re-check one access check" }],
  deprovision: [
    // Everything in the resource ledger this onboarding created, newest first (lib/resources).
    { key: "delete_resources", label: "Delete created resources" },
    { key: "retire_platform", label: "Retire platform record" },
  ],
};

/** A step is given this long before it is aborted and counted as a transient failure. */
export const STEP_TIMEOUT_MS = env("STEP_TIMEOUT_MS");
/** Transient failures are retried inside a step this many times, with exponential backoff. */
export const STEP_MAX_ATTEMPTS = env("STEP_MAX_ATTEMPTS");
export const RETRY_BASE_MS = env("STEP_RETRY_BASE_MS");
/**
 * A queue job works on a run this long, then hands over to a fresh job at the next step when all
 * of its process's run consumers are busy (lib/runs/execute-run.ts). Read per job (tests set it).
 */
export const jobBudgetMs = () => env("RUN_JOB_BUDGET_MS");
/** A worker renews its lease this often; a lease not renewed for LEASE_STALE_MS is taken over. */
export const HEARTBEAT_MS = env("RUN_HEARTBEAT_MS");
export const LEASE_STALE_MS = env("RUN_LEASE_STALE_MS");
/** How often each worker process sweeps for stale leases (0: no sweep, old behaviour). */
export const SWEEP_MS = env("RUN_SWEEP_MS");
/** No sign of progress for this long: the run is reported stalled. */
export const STALL_AFTER_MS = env("RUN_STALL_AFTER_MS");
/** A step still running this long after its timeout ignored the abort: stalled:step_over_budget. */
export const STEP_OVER_BUDGET_GRACE_MS = 5_000;

export const activeKey = (sessionId: string, kind: RunKind) => `${sessionId}:${kind}`;
