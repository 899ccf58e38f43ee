// The seed pipeline's five steps and the wizard's five checkpoints, in order.
export const PIPELINE_STEPS = [
  { key: "create_platform", label: "Create platform" },
  { key: "provision_infra", label: "Provision infrastructure" },
  { key: "setup_repo", label: "Set up repository" },
  { key: "deploy_services", label: "Deploy services" },
  { key: "verify", label: "Verify deployment" },
] as const;
export type PipelineStepKey = (typeof PIPELINE_STEPS)[number]["key"];
export const PIPELINE_STEP_KEYS = PIPELINE_STEPS.map((s) => s.key) as [PipelineStepKey, ...PipelineStepKey[]];

export const CHECKPOINTS = ["identify", "connect", "verify_access", "bootstrap", "activate"] as const;
export type CheckpointKey = (typeof CHECKPOINTS)[number];

export const CHECKPOINT_LABELS: Record<CheckpointKey, string> = {
  identify: "Identify",
  connect: "Connect",
  verify_access: "Verify Access",
  bootstrap: "Bootstrap",
  activate: "Activate",
};

export const TIERS = ["starter", "growth", "scale"] as const;
export const SESSION_STATUSES = ["pending", "in_progress", "completed", "failed", "cancelled"] as const;
export const SEED_STEP_STATUSES = ["pending", "in_progress", "completed", "failed", "skipped", "cancelled"] as const;
export type SeedStepStatus = (typeof SEED_STEP_STATUSES)[number];
export const LIFECYCLE_STATES = [
  "draft",
  "verifying",
  "action_required",
  "ready_for_bootstrap",
  "bootstrapping",
  "bootstrap_failed",
  "ready_for_activation",
  "active",
  "cancelled",
] as const;

/** Lowercase letters, digits and single hyphens; 3–40 characters; starts with a letter. */
export const SLUG_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,39}$/;
export const SLUG_HINT = "3–40 characters: lowercase letters, digits and single hyphens, starting with a letter.";

export interface SeedStep {
  key: PipelineStepKey;
  status: SeedStepStatus;
  label: string;
  result?: unknown;
}

export function initialSteps(): SeedStep[] {
  return PIPELINE_STEPS.map((s) => ({ key: s.key, status: "pending", label: s.label }));
}

/** "Acme Platform!" → "acme-platform"; used to suggest a slug from the name. */
export function suggestSlug(name: string): string {
  let slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^[0-9-]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  if (slug.length > 0 && slug.length < 3) slug = `${slug}-platform`.slice(0, 40);
  return slug;
}
