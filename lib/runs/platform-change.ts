// The Platform columns a bootstrap step sets, as one SET clause. A step's platform change is
// written with the step's success (lib/runs/step-attempt.ts) — one statement for both, fenced by
// the same lease — and a deprovision's retirement on its own (lib/runs/steps.ts).
import type { Platform } from "@/lib/generated/prisma/client";

export interface PlatformChange {
  resources?: Record<string, unknown>;
  repoUrl?: string | null;
  status?: Platform["status"];
  deploymentUrl?: string | null;
}

/** A change a step made to its platform, written with the step's success. */
export interface StagedPlatformChange {
  platformId: string;
  change: PlatformChange;
}

/**
 * `"updatedAt" = <now>, "resources" = …` for `change`; `param` appends a value to the statement's
 * parameters and answers its placeholder (with `cast` appended).
 */
export function platformSetClause(
  change: PlatformChange,
  now: string,
  param: (value: unknown, cast?: string) => string,
): string {
  const set = [`"updatedAt" = ${now}::timestamp`];
  if (change.resources !== undefined) set.push(`"resources" = ${param(JSON.stringify(change.resources), "::jsonb")}`);
  if (change.repoUrl !== undefined) set.push(`"repoUrl" = ${param(change.repoUrl)}`);
  if (change.status !== undefined) set.push(`"status" = ${param(change.status, '::"PlatformStatus"')}`);
  if (change.deploymentUrl !== undefined) set.push(`"deploymentUrl" = ${param(change.deploymentUrl)}`);
  return set.join(", ");
}

/** The row after `change`, as the UPDATE leaves it (the job's copy; lib/runs/steps.ts). */
export function applyPlatformChange(platform: Platform, change: PlatformChange, now: Date): Platform {
  const next: Platform = { ...platform, updatedAt: now };
  if (change.resources !== undefined) next.resources = change.resources as Platform["resources"];
  if (change.repoUrl !== undefined) next.repoUrl = change.repoUrl;
  if (change.status !== undefined) next.status = change.status;
  if (change.deploymentUrl !== undefined) next.deploymentUrl = change.deploymentUrl;
  return next;
}
