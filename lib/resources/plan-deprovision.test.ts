import { describe, expect, it } from "vitest";
import { planDeprovision, type PlanInput } from "./plan-deprovision";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const row = (id: string, type: string, createdAt: Date, extra: Partial<PlanInput> = {}): PlanInput => ({
  id,
  provider: "cloudflare",
  type,
  name: `${type}-name`,
  externalId: `${type}-ext`,
  preExisted: false,
  createdAt,
  deletedAt: null,
  ...extra,
});

describe("planDeprovision", () => {
  it("deletes newest first, whatever order the rows come in", () => {
    const rows = [
      row("c", "worker_secret", at(3)),
      row("a", "d1_database", at(1)),
      row("d", "pages_project", at(4)),
      row("b", "worker_script", at(2)),
    ];
    const plan = planDeprovision(rows);
    expect(plan.delete.map((i) => [i.order, i.type])).toEqual([
      [1, "pages_project"],
      [2, "worker_secret"],
      [3, "worker_script"],
      [4, "d1_database"],
    ]);
    expect(plan.keep).toEqual([]);
  });

  it("breaks a tie in creation time by id (ids grow with creation), still newest first", () => {
    const plan = planDeprovision([
      row("r1", "repository", at(1), { provider: "github" }),
      row("r2", "deployment", at(1), { provider: "simulated" }),
    ]);
    expect(plan.delete.map((i) => i.resourceId)).toEqual(["r2", "r1"]);
  });

  it("keeps what pre-existed and lists what an earlier run deleted, without planning either for deletion", () => {
    const plan = planDeprovision([
      row("a", "d1_database", at(1), { preExisted: true }),
      row("b", "worker_script", at(2), { deletedAt: at(9) }),
      row("c", "pages_project", at(3)),
    ]);
    expect(plan.delete.map((i) => i.resourceId)).toEqual(["c"]);
    expect(plan.keep).toEqual([expect.objectContaining({ resourceId: "a", reason: "pre_existed" })]);
    expect(plan.alreadyDeleted).toEqual([expect.objectContaining({ resourceId: "b", deletedAt: at(9).toISOString() })]);
  });

  it("an empty ledger plans nothing", () => {
    expect(planDeprovision([])).toEqual({ delete: [], keep: [], alreadyDeleted: [] });
  });
});
