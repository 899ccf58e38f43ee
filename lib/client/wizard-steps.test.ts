import { describe, expect, it } from "vitest";
import type { CheckpointKey } from "@/lib/onboarding/constants";
import type { Session } from "./types";
import { stepBySegment, stepHref, stepReachable, stepState, WIZARD_STEPS } from "./wizard-steps";

type Decision = Session["actions"]["overrideActivate"];
const refused: Decision = { allowed: false, reasonCode: "not_ready_for_activation", message: "Not ready." };

function session(
  lifecycleState: Session["lifecycleState"],
  currentCheckpoint: CheckpointKey,
  lastCompletedCheckpoint: CheckpointKey | null,
  overrideActivate: Decision = refused,
) {
  return { lifecycleState, currentCheckpoint, lastCompletedCheckpoint, actions: { overrideActivate } };
}

const states = (s: ReturnType<typeof session>) => WIZARD_STEPS.map((step) => stepState(s, step));
const reachable = (s: ReturnType<typeof session>) => WIZARD_STEPS.map((step) => stepReachable(s, step));

describe("stepper state", () => {
  it("marks done, current and upcoming steps from the checkpoints", () => {
    expect(states(session("draft", "connect", "identify"))).toEqual([
      "done",
      "current",
      "upcoming",
      "upcoming",
      "upcoming",
    ]);
    expect(states(session("ready_for_bootstrap", "bootstrap", "verify_access"))).toEqual([
      "done",
      "done",
      "done",
      "current",
      "upcoming",
    ]);
  });

  it("marks the current step blocked when it needs the operator", () => {
    expect(states(session("action_required", "verify_access", "connect"))).toEqual([
      "done",
      "done",
      "blocked",
      "upcoming",
      "upcoming",
    ]);
    expect(states(session("bootstrap_failed", "bootstrap", "verify_access"))).toEqual([
      "done",
      "done",
      "done",
      "blocked",
      "upcoming",
    ]);
  });

  it("marks every step done once active", () => {
    expect(states(session("active", "activate", "activate"))).toEqual(["done", "done", "done", "done", "done"]);
  });
});

describe("which steps can be opened", () => {
  it("opens steps up to the current checkpoint only", () => {
    expect(reachable(session("draft", "connect", "identify"))).toEqual([true, true, false, false, false]);
  });

  it("opens every step once active", () => {
    expect(reachable(session("active", "activate", "activate"))).toEqual([true, true, true, true, true]);
  });

  it("opens Activate after a failed bootstrap only when the server says an override is possible", () => {
    const failed = (o: Decision) => reachable(session("bootstrap_failed", "bootstrap", "verify_access", o))[4];
    expect(failed(refused)).toBe(false);
    expect(failed({ allowed: true })).toBe(true);
    // The state allows it, this caller's role does not: they may still look.
    expect(
      failed({
        allowed: false,
        reasonCode: "role_forbidden",
        message: "Your role (operator) cannot activate with an override.",
      }),
    ).toBe(true);
  });
});

describe("step routes", () => {
  it("maps segments and checkpoints both ways", () => {
    expect(stepBySegment("verify-access")?.key).toBe("verify_access");
    expect(stepBySegment("nope")).toBeUndefined();
    expect(stepHref("abc", "verify_access")).toBe("/onboarding/abc/verify-access");
  });
});
