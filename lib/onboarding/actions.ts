// The one owner of "may this happen now?" for an onboarding: given the session, its latest run
// of each kind and the caller's role, every action answers allowed or not, with a stable reason
// code and a sentence for the operator. The server's guards throw from these answers and the
// session response carries them as `actions`, so the wizard and API clients never re-derive a
// lifecycle or role rule. Pure: no I/O, importable anywhere.
import { ApiError } from "@/lib/api/errors";
import { can, type Capability, type Role } from "@/lib/auth/capabilities";
import type { LIFECYCLE_STATES } from "./constants";

/** The actions a session response answers, in the order the wizard offers them. */
export const SESSION_ACTIONS = [
  "saveDraft",
  "connect",
  "verifyAccess",
  "recheckAccess",
  "bootstrap",
  "resume",
  "cancelRun",
  "cancel",
  "activate",
  "overrideActivate",
  "deprovision",
] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

/**
 * Decided here too but not part of the response (API-only writes): free-form draft answers,
 * which stay editable while a run is active, and an external executor's progress report.
 */
export type GuardedAction = SessionAction | "saveAnswers" | "reportProgress";

export interface ActionDecision {
  allowed: boolean;
  reasonCode?: string;
  message?: string;
}
export type SessionActions = Record<SessionAction, ActionDecision>;

/** Reason code of every refusal caused by the caller's role (the server answers it with 403). */
export const ROLE_FORBIDDEN = "role_forbidden";

export interface ActionRun {
  id: string;
  status: "queued" | "running" | "completed";
  outcome?: string | null;
}

export interface ActionSession {
  lifecycleState: (typeof LIFECYCLE_STATES)[number];
  platformId: string | null;
  cancelledAt: Date | string | null;
  activatedAt: Date | string | null;
}

/** The newest run of each kind, or null/absent when the session has none. */
export interface LatestRuns {
  verify_access?: ActionRun | null;
  recheck_access?: ActionRun | null;
  bootstrap?: ActionRun | null;
  deprovision?: ActionRun | null;
}

export interface ActionInput {
  session: ActionSession;
  runs: LatestRuns;
  /** The caller's role in the session's workspace. */
  role: Role;
}

const CAPABILITY: Record<GuardedAction, Capability[]> = {
  saveDraft: ["manage_drafts"],
  saveAnswers: ["manage_drafts"],
  connect: ["manage_drafts"],
  reportProgress: ["run_operations"],
  verifyAccess: ["run_operations"],
  recheckAccess: ["run_operations"],
  bootstrap: ["run_operations"],
  resume: ["run_operations"],
  cancelRun: ["run_operations"],
  cancel: ["cancel"],
  activate: ["activate"],
  overrideActivate: ["activate", "override"],
  deprovision: ["cancel"],
};

const ROLE_CANNOT: Record<GuardedAction, string> = {
  saveDraft: "edit onboardings",
  saveAnswers: "edit onboardings",
  connect: "change the connection",
  reportProgress: "report pipeline progress",
  verifyAccess: "start runs",
  recheckAccess: "start runs",
  bootstrap: "start runs",
  resume: "start runs",
  cancelRun: "cancel runs",
  cancel: "cancel onboardings",
  activate: "activate platforms",
  overrideActivate: "activate with an override",
  deprovision: "remove created resources",
};

const ALLOWED: ActionDecision = { allowed: true };
const no = (reasonCode: string, message: string): ActionDecision => ({ allowed: false, reasonCode, message });

const isActive = (run: ActionRun | null | undefined): run is ActionRun => !!run && run.status !== "completed";
const humanLifecycle = (s: string) => s.replace(/_/g, " ");

/**
 * Our bootstrap has started (a run exists or it created the platform): name, slug, tier, template
 * and connection are fixed from then on. An external executor's progress (PATCH) locks nothing.
 */
function bootstrapStarted({ session, runs }: ActionInput): boolean {
  return !!runs.bootstrap || !!session.platformId;
}

function activePipelineRun({
  runs,
}: ActionInput): { kind: "verify_access" | "bootstrap" | "recheck_access"; run: ActionRun } | null {
  if (isActive(runs.bootstrap)) return { kind: "bootstrap", run: runs.bootstrap };
  if (isActive(runs.verify_access)) return { kind: "verify_access", run: runs.verify_access };
  if (isActive(runs.recheck_access)) return { kind: "recheck_access", run: runs.recheck_access };
  return null;
}

const RUN_LABEL = { verify_access: "verification", bootstrap: "bootstrap", recheck_access: "re-check" } as const;

function closedForEdits({ session }: ActionInput): ActionDecision | null {
  if (session.cancelledAt) return no("session_closed", "This onboarding is cancelled and can no longer be edited.");
  if (session.activatedAt) return no("session_closed", "This onboarding is active and can no longer be edited.");
  return null;
}

function runInProgress(input: ActionInput, what: string): ActionDecision | null {
  const active = activePipelineRun(input);
  return active
    ? no("run_active", `A ${RUN_LABEL[active.kind]} run is in progress; wait for it or cancel it before ${what}.`)
    : null;
}

type Rule = (input: ActionInput) => ActionDecision;

const RULES: Record<GuardedAction, Rule> = {
  saveDraft: (input) =>
    closedForEdits(input) ??
    runInProgress(input, "changing these details") ??
    (bootstrapStarted(input)
      ? no("identity_locked", "Name, slug, tier and template are fixed once bootstrap has started.")
      : ALLOWED),

  saveAnswers: (input) => closedForEdits(input) ?? ALLOWED,

  connect: (input) =>
    closedForEdits(input) ??
    runInProgress(input, "changing the connection") ??
    (bootstrapStarted(input)
      ? no("connection_locked", "The connection is fixed once bootstrap has started.")
      : ALLOWED),

  reportProgress: (input) => closedForEdits(input) ?? runInProgress(input, "reporting progress") ?? ALLOWED,

  verifyAccess: ({ session, runs }) => {
    if (session.cancelledAt) return no("session_closed", "This onboarding is cancelled.");
    if (session.activatedAt) return no("already_active", "This onboarding is already active.");
    if (["bootstrapping", "bootstrap_failed", "ready_for_activation"].includes(session.lifecycleState)) {
      return no("verification_closed", "Access was verified and bootstrap has started; verification cannot run again.");
    }
    if (isActive(runs.verify_access)) return no("run_active", "Verification is running.");
    if (isActive(runs.recheck_access)) return no("run_active", "A re-check is running; wait for it to finish.");
    return ALLOWED;
  },

  // One check of the latest report, run again: only while that report is what the lifecycle stands on.
  recheckAccess: ({ session, runs }) => {
    if (session.cancelledAt) return no("session_closed", "This onboarding is cancelled.");
    if (session.activatedAt) return no("already_active", "This onboarding is already active.");
    if (isActive(runs.verify_access)) return no("run_active", "Verification is running.");
    if (isActive(runs.recheck_access)) return no("run_active", "A re-check is running; wait for it to finish.");
    if (!["action_required", "ready_for_bootstrap"].includes(session.lifecycleState) || !runs.verify_access) {
      return no(
        "nothing_to_recheck",
        "Re-check is available on a current Verify Access report, before bootstrap starts.",
      );
    }
    return ALLOWED;
  },

  bootstrap: ({ session, runs }) => {
    if (session.cancelledAt) return no("session_closed", "This onboarding is cancelled.");
    if (session.activatedAt) return no("already_active", "This onboarding is already active.");
    if (isActive(runs.bootstrap)) return no("run_active", "Bootstrap is running.");
    if (session.lifecycleState === "bootstrap_failed")
      return no("not_ready_for_bootstrap", "Bootstrap already ran and failed; resume it instead.");
    if (session.lifecycleState !== "ready_for_bootstrap")
      return no("not_ready_for_bootstrap", "Verify access first: bootstrap starts after Verify Access has passed.");
    if (isActive(runs.verify_access)) return no("run_active", "A verification run is already in progress.");
    if (isActive(runs.recheck_access)) return no("run_active", "A re-check is running; wait for it to finish.");
    return ALLOWED;
  },

  resume: ({ session, runs }) => {
    if (session.cancelledAt) return no("session_closed", "This onboarding is cancelled.");
    if (isActive(runs.bootstrap)) return no("run_active", "Bootstrap is running.");
    if (session.lifecycleState !== "bootstrap_failed")
      return no("nothing_to_resume", "Only a failed or cancelled bootstrap can be resumed.");
    if (!runs.bootstrap) return no("nothing_to_resume", "There is no finished bootstrap run to resume.");
    return ALLOWED;
  },

  cancelRun: (input) =>
    activePipelineRun(input) || isActive(input.runs.deprovision)
      ? ALLOWED
      : no("run_finished", "No run is in progress; it already finished."),

  cancel: ({ session }) => {
    if (session.cancelledAt) return no("already_cancelled", "This onboarding is already cancelled.");
    if (session.activatedAt)
      return no("already_active", "An active platform cannot be cancelled; deprovision it instead.");
    return ALLOWED;
  },

  activate: ({ session }) => activation(session, false),
  overrideActivate: ({ session }) => activation(session, true),

  deprovision: ({ session, runs }) => {
    if (isActive(runs.deprovision)) return no("run_active", "Created resources are being removed.");
    if (!session.platformId) return no("nothing_to_deprovision", "Nothing was created for this onboarding.");
    if (!session.cancelledAt) return no("cancel_first", "Cancel the onboarding before removing what it created.");
    return ALLOWED;
  },
};

/** A failed bootstrap that created the platform may be activated with an override (audited). */
function activation(session: ActionSession, override: boolean): ActionDecision {
  if (session.activatedAt) return no("already_active", "This onboarding is already active.");
  if (session.cancelledAt) return no("session_closed", "A cancelled onboarding cannot be activated.");
  if (session.lifecycleState === "ready_for_activation") return ALLOWED;
  const overridable = session.lifecycleState === "bootstrap_failed" && !!session.platformId;
  if (override && overridable) return ALLOWED;
  return no(
    "not_ready_for_activation",
    overridable
      ? "Bootstrap did not finish cleanly. Resume it, or activate with an override and a written reason."
      : `This onboarding is ${humanLifecycle(session.lifecycleState)}; it can be activated once bootstrap has succeeded.`,
  );
}

/** The first capability of the action that the role lacks, if any. */
export function missingCapability(action: GuardedAction, role: Role): Capability | null {
  return CAPABILITY[action].find((c) => !can(role, c)) ?? null;
}

/**
 * One action. The state first: what the onboarding needs next is worth telling whoever looks.
 * `role_forbidden` therefore means "the state allows it, your role does not" (the server still
 * answers the role first: 403 before 409, see assertAllowed).
 */
export function decide(action: GuardedAction, input: ActionInput): ActionDecision {
  const byState = RULES[action](input);
  if (byState.allowed && missingCapability(action, input.role)) return roleRefusal(action, input.role);
  return byState;
}

function roleRefusal(action: GuardedAction, role: Role): ActionDecision {
  if (action === "saveDraft" || action === "connect" || action === "saveAnswers") {
    return no(ROLE_FORBIDDEN, `Your role (${role}) can view this onboarding but not edit it.`);
  }
  return no(ROLE_FORBIDDEN, `Your role (${role}) cannot ${ROLE_CANNOT[action]}.`);
}

/** Every action of the session response. */
export function sessionActions(input: ActionInput): SessionActions {
  return Object.fromEntries(SESSION_ACTIONS.map((action) => [action, decide(action, input)])) as SessionActions;
}

/**
 * Server guard: throws the refusal as the API has always answered it — 403 `forbidden` for the
 * role, 409 `run_active` (with the run) for a run in progress, 409 `illegal_transition` else.
 */
export function assertAllowed(action: GuardedAction, input: ActionInput): void {
  const decision = missingCapability(action, input.role) ? roleRefusal(action, input.role) : decide(action, input);
  if (decision.allowed) return;
  const { reasonCode, message = "Not allowed." } = decision;
  if (reasonCode === ROLE_FORBIDDEN) {
    throw new ApiError("forbidden", message, {
      reasonCode,
      extra: { capability: missingCapability(action, input.role), role: input.role },
    });
  }
  if (reasonCode === "run_active") {
    const run = activePipelineRun(input)?.run ?? (isActive(input.runs.deprovision) ? input.runs.deprovision : null);
    throw new ApiError("run_active", message, { reasonCode, extra: run ? { runId: run.id } : undefined });
  }
  throw new ApiError("illegal_transition", message, { reasonCode });
}

/** Server guard before anything is read or locked: only the role (state is checked in the transaction). */
export function assertRole(action: GuardedAction, role: Role): void {
  if (missingCapability(action, role)) assertAllowed(action, { role, session: NO_SESSION, runs: {} });
}

/** Cancelling one run (POST /operation-runs/:id/cancel) depends on that run alone, not on the newest of its kind. */
export function assertRunCancellable(run: ActionRun & { kind: string }, role: Role): void {
  assertAllowed("cancelRun", { role, session: NO_SESSION, runs: { [run.kind]: run } });
}

const NO_SESSION: ActionSession = { lifecycleState: "draft", platformId: null, cancelledAt: null, activatedAt: null };

/** Latest run of each kind from runs listed newest first. */
export function latestByKind(runs: readonly (ActionRun & { kind: string })[]): LatestRuns {
  const latest: LatestRuns = {};
  for (const run of runs) {
    const kind = run.kind as keyof LatestRuns;
    if (!(kind in latest)) latest[kind] = run;
  }
  return latest;
}
