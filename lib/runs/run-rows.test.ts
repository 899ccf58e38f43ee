import { describe, expect, it } from "vitest";
import { withStepDates, type RunWithSteps } from "./run-rows";

describe("withStepDates", () => {
  it("reads json_agg's zone-less step timestamps as UTC Dates and keeps nulls", () => {
    const run = {
      id: "r1",
      steps: [
        { id: "s1", startedAt: "2026-12-02T10:00:00.123", finishedAt: null },
        { id: "s2", startedAt: null, finishedAt: null },
      ],
    } as unknown as RunWithSteps;
    const out = withStepDates(run);
    expect(out.steps[0].startedAt).toEqual(new Date("2026-12-02T10:00:00.123Z"));
    expect(out.steps[0].finishedAt).toBeNull();
    expect(out.steps[1].startedAt).toBeNull();
  });
});
