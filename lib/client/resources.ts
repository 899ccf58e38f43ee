// How the resource ledger reads to an operator: names for provider types and pipeline steps,
// a row's state, and the typed confirmation that guards deprovisioning. Pure, so it is tested
// without a browser.
import { PIPELINE_STEPS } from "@/lib/onboarding/constants";
import type { Resource, ResourceProvider } from "./types";

const TYPE_LABELS: Record<string, string> = {
  d1_database: "D1 database",
  worker_script: "Worker",
  worker_secret: "Worker secret",
  pages_project: "Pages project",
  pages_deployment: "Pages deployment",
  repository: "Repository",
  deployment: "Deployment",
  infra: "Infrastructure",
};

const PROVIDER_LABELS: Record<ResourceProvider, string> = {
  simulated: "Simulated",
  github: "GitHub",
  cloudflare: "Cloudflare",
};

/** "d1_database" → "D1 database"; a type this UI does not know yet still reads as words. */
export function resourceTypeLabel(type: string): string {
  if (TYPE_LABELS[type]) return TYPE_LABELS[type];
  const words = type.replace(/_+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function providerLabel(provider: string): string {
  return PROVIDER_LABELS[provider as ResourceProvider] ?? provider;
}

/** The pipeline step that created (or adopted) the resource, by its label; null when none was recorded. */
export function stepLabel(stepKey: string | null): string | null {
  if (!stepKey) return null;
  return PIPELINE_STEPS.find((s) => s.key === stepKey)?.label ?? stepKey;
}

export type ResourceState = "deleted" | "kept" | "live";

/**
 * Deleted wins (a deprovision run removed it); otherwise a pre-existing resource is one
 * deprovision keeps; everything else is live and would be deleted.
 */
export function resourceState(r: Pick<Resource, "preExisted" | "deletedAt">): ResourceState {
  if (r.deletedAt) return "deleted";
  if (r.preExisted) return "kept";
  return "live";
}

/**
 * The typed confirmation: the operator types the platform's slug exactly (surrounding spaces
 * forgiven, case not: slugs are lower-case and "Acme" is a different answer). An empty
 * expectation never confirms, so a missing slug cannot unlock the button.
 */
export function typedConfirmationMatches(typed: string, expected: string): boolean {
  return expected.length > 0 && typed.trim() === expected;
}
