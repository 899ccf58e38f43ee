// The wizard's five steps, in order: one route segment each under
// app/(app)/onboarding/[id]/(steps)/, keyed by the session's checkpoint names.
import { CHECKPOINTS, type CheckpointKey } from "@/lib/onboarding/constants";
import { ROLE_FORBIDDEN } from "@/lib/onboarding/actions";
import type { Session } from "./types";

export const WIZARD_STEPS = [
  { key: "identify", segment: "identify", label: "Identify", summary: "Name, slug and tier" },
  { key: "connect", segment: "connect", label: "Connect", summary: "Provider connection" },
  { key: "verify_access", segment: "verify-access", label: "Verify Access", summary: "Permission checks" },
  { key: "bootstrap", segment: "bootstrap", label: "Bootstrap", summary: "Five-step pipeline" },
  { key: "activate", segment: "activate", label: "Activate", summary: "Review and go live" },
] as const satisfies readonly { key: CheckpointKey; segment: string; label: string; summary: string }[];

export type WizardStep = (typeof WIZARD_STEPS)[number];
export type StepSegment = WizardStep["segment"];

export const stepIndex = (key: CheckpointKey): number => CHECKPOINTS.indexOf(key);

export const stepByKey = (key: CheckpointKey): WizardStep => WIZARD_STEPS.find((s) => s.key === key) ?? WIZARD_STEPS[0];

export const stepBySegment = (segment: string | null | undefined): WizardStep | undefined =>
  WIZARD_STEPS.find((s) => s.segment === segment);

export const stepHref = (id: string, key: CheckpointKey): string => `/onboarding/${id}/${stepByKey(key).segment}`;

export type StepState = "done" | "current" | "blocked" | "upcoming";

type StepSession = Pick<Session, "currentCheckpoint" | "lastCompletedCheckpoint" | "lifecycleState"> & {
  actions: Pick<Session["actions"], "overrideActivate">;
};

/** How the stepper shows a step: done, the current one (blocked when it needs the operator), or not yet. */
export function stepState(session: StepSession, step: Pick<WizardStep, "key">): StepState {
  const i = stepIndex(step.key);
  const current = stepIndex(session.currentCheckpoint);
  const completed = session.lastCompletedCheckpoint ? stepIndex(session.lastCompletedCheckpoint) : -1;
  if (session.lifecycleState === "active") return "done";
  if (i === current) {
    if (session.lifecycleState === "action_required" || session.lifecycleState === "bootstrap_failed") return "blocked";
    return "current";
  }
  if (i <= completed || i < current) return "done";
  return "upcoming";
}

/**
 * Steps up to the current checkpoint can be opened (all of them once active); Activate also
 * when the server says the state allows an override (to this caller, or to a role above it).
 */
export function stepReachable(session: StepSession, step: Pick<WizardStep, "key">): boolean {
  const override = session.actions.overrideActivate;
  return (
    stepIndex(step.key) <= stepIndex(session.currentCheckpoint) ||
    session.lifecycleState === "active" ||
    (step.key === "activate" && (override.allowed || override.reasonCode === ROLE_FORBIDDEN))
  );
}
