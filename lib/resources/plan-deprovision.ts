// The deprovision plan, from the ledger alone: delete what this onboarding created, newest
// first (what depends on a resource was created after it, so it goes before it), and keep
// what was already there when the onboarding found it. Pure: the dry run and the run share it.

import type { ProviderKind } from "@/lib/generated/prisma/enums";

export interface PlanInput {
  id: string;
  provider: ProviderKind;
  type: string;
  name: string;
  externalId: string;
  preExisted: boolean;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface PlanItem {
  resourceId: string;
  provider: ProviderKind;
  type: string;
  name: string;
  externalId: string;
}

export interface DeprovisionPlan {
  /** In the order they will be deleted (reverse creation order). */
  delete: (PlanItem & { order: number })[];
  /** Adopted, not created: left in place. */
  keep: (PlanItem & { reason: "pre_existed" })[];
  /** Deleted by an earlier deprovision run. */
  alreadyDeleted: (PlanItem & { deletedAt: string })[];
}

const item = (r: PlanInput): PlanItem => ({
  resourceId: r.id,
  provider: r.provider,
  type: r.type,
  name: r.name,
  externalId: r.externalId,
});

function newestFirst(a: PlanInput, b: PlanInput): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function planDeprovision(rows: readonly PlanInput[]): DeprovisionPlan {
  const sorted = [...rows].sort(newestFirst);
  const plan: DeprovisionPlan = { delete: [], keep: [], alreadyDeleted: [] };
  for (const r of sorted) {
    if (r.preExisted) plan.keep.push({ ...item(r), reason: "pre_existed" });
    else if (r.deletedAt) plan.alreadyDeleted.push({ ...item(r), deletedAt: r.deletedAt.toISOString() });
    else plan.delete.push({ ...item(r), order: plan.delete.length + 1 });
  }
  return plan;
}
