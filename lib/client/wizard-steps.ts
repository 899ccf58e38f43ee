// The wizard's five steps, in order: one route segment each under
// app/(app)/onboarding/[id]/(steps)/, keyed by the session's checkpoint names.
import { CHECKPOINTS, type CheckpointKey } from "@/lib/onboarding/constants";

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
