// Every lifecycle state × action × role, written out by hand: the expected answers below are the
// product's rules, not a copy of the module's tables, so a changed rule shows up as a red cell.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import type { Role } from "@/lib/auth/capabilities";
import {
  assertAllowed,
  assertRunCancellable,
  decide,
  ROLE_FORBIDDEN,
  SESSION_ACTIONS,
  sessionActions,
  type ActionInput,
  type ActionRun,
  type SessionAction,
} from "./actions";
import { LIFECYCLE_STATES } from "./constants";

type Lifecycle = (typeof LIFECYCLE_STATES)[number];

const run = (id: string, status: ActionRun["status"], outcome: ActionRun["outcome"] = null): ActionRun => ({
  id,
  status,
  outcome,
});
const verified = run("v1", "completed", "succeeded");

/** A realistic session and runs for each lifecycle state. */
const FIXTURES: Record<Lifecycle, Omit<ActionInput, "role">> = {
  draft: { session: { lifecycleState: "draft", platformId: null, cancelledAt: null, activatedAt: null }, runs: {} },
  verifying: {
    session: { lifecycleState: "verifying", platformId: null, cancelledAt: null, activatedAt: null },
    runs: { verify_access: run("v1", "running") },
  },
  action_required: {
    session: { lifecycleState: "action_required", platformId: null, cancelledAt: null, activatedAt: null },
    runs: { verify_access: run("v1", "completed", "blocked") },
  },
  ready_for_bootstrap: {
    session: { lifecycleState: "ready_for_bootstrap", platformId: null, cancelledAt: null, activatedAt: null },
    runs: { verify_access: verified },
  },
  bootstrapping: {
    session: { lifecycleState: "bootstrapping", platformId: null, cancelledAt: null, activatedAt: null },
    runs: { verify_access: verified, bootstrap: run("b1", "queued") },
  },
  bootstrap_failed: {
    session: { lifecycleState: "bootstrap_failed", platformId: "pl1", cancelledAt: null, activatedAt: null },
    runs: { verify_access: verified, bootstrap: run("b1", "completed", "failed") },
  },
  ready_for_activation: {
    session: { lifecycleState: "ready_for_activation", platformId: "pl1", cancelledAt: null, activatedAt: null },
    runs: { verify_access: verified, bootstrap: run("b1", "completed", "succeeded") },
  },
  active: {
    session: { lifecycleState: "active", platformId: "pl1", cancelledAt: null, activatedAt: new Date() },
    runs: { verify_access: verified, bootstrap: run("b1", "completed", "succeeded") },
  },
  cancelled: {
    session: { lifecycleState: "cancelled", platformId: "pl1", cancelledAt: new Date(), activatedAt: null },
    runs: { verify_access: verified, bootstrap: run("b1", "completed", "failed") },
  },
};

const OK = true;
/** For a role that may do it: allowed (true) or the reason code of the refusal. */
const STATE: Record<Lifecycle, Record<SessionAction, true | string>> = {
  draft: {
    saveDraft: OK,
    connect: OK,
    verifyAccess: OK,
    recheckAccess: "nothing_to_recheck",
    bootstrap: "not_ready_for_bootstrap",
    resume: "nothing_to_resume",
    cancelRun: "run_finished",
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: "not_ready_for_activation",
    deprovision: "nothing_to_deprovision",
  },
  verifying: {
    saveDraft: "run_active",
    connect: "run_active",
    verifyAccess: "run_active",
    recheckAccess: "run_active",
    bootstrap: "not_ready_for_bootstrap",
    resume: "nothing_to_resume",
    cancelRun: OK,
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: "not_ready_for_activation",
    deprovision: "nothing_to_deprovision",
  },
  action_required: {
    saveDraft: OK,
    connect: OK,
    verifyAccess: OK,
    recheckAccess: OK,
    bootstrap: "not_ready_for_bootstrap",
    resume: "nothing_to_resume",
    cancelRun: "run_finished",
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: "not_ready_for_activation",
    deprovision: "nothing_to_deprovision",
  },
  ready_for_bootstrap: {
    saveDraft: OK,
    connect: OK,
    verifyAccess: OK,
    recheckAccess: OK,
    bootstrap: OK,
    resume: "nothing_to_resume",
    cancelRun: "run_finished",
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: "not_ready_for_activation",
    deprovision: "nothing_to_deprovision",
  },
  bootstrapping: {
    saveDraft: "run_active",
    connect: "run_active",
    verifyAccess: "verification_closed",
    recheckAccess: "nothing_to_recheck",
    bootstrap: "run_active",
    resume: "run_active",
    cancelRun: OK,
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: "not_ready_for_activation",
    deprovision: "nothing_to_deprovision",
  },
  bootstrap_failed: {
    saveDraft: "identity_locked",
    connect: "connection_locked",
    verifyAccess: "verification_closed",
    recheckAccess: "nothing_to_recheck",
    bootstrap: "not_ready_for_bootstrap",
    resume: OK,
    cancelRun: "run_finished",
    cancel: OK,
    activate: "not_ready_for_activation",
    overrideActivate: OK,
    deprovision: "cancel_first",
  },
  ready_for_activation: {
    saveDraft: "identity_locked",
    connect: "connection_locked",
    verifyAccess: "verification_closed",
    recheckAccess: "nothing_to_recheck",
    bootstrap: "not_ready_for_bootstrap",
    resume: "nothing_to_resume",
    cancelRun: "run_finished",
    cancel: OK,
    activate: OK,
    overrideActivate: OK,
    deprovision: "cancel_first",
  },
  active: {
    saveDraft: "session_closed",
    connect: "session_closed",
    verifyAccess: "already_active",
    recheckAccess: "already_active",
    bootstrap: "already_active",
    resume: "nothing_to_resume",
    cancelRun: "run_finished",
    cancel: "already_active",
    activate: "already_active",
    overrideActivate: "already_active",
    deprovision: "cancel_first",
  },
  cancelled: {
    saveDraft: "session_closed",
    connect: "session_closed",
    verifyAccess: "session_closed",
    recheckAccess: "session_closed",
    bootstrap: "session_closed",
    resume: "session_closed",
    cancelRun: "run_finished",
    cancel: "already_cancelled",
    activate: "session_closed",
    overrideActivate: "session_closed",
    deprovision: OK,
  },
};

/** Which roles may attempt each action at all (README: owner and admin everything, operator all but overrides, viewer nothing). */
const ROLE_MAY: Record<SessionAction, Role[]> = {
  saveDraft: ["owner", "admin", "operator"],
  connect: ["owner", "admin", "operator"],
  verifyAccess: ["owner", "admin", "operator"],
  recheckAccess: ["owner", "admin", "operator"],
  bootstrap: ["owner", "admin", "operator"],
  resume: ["owner", "admin", "operator"],
  cancelRun: ["owner", "admin", "operator"],
  cancel: ["owner", "admin", "operator"],
  activate: ["owner", "admin", "operator"],
  overrideActivate: ["owner", "admin"],
  deprovision: ["owner", "admin", "operator"],
};

const ROLES: Role[] = ["owner", "admin", "operator", "viewer"];

const cells = LIFECYCLE_STATES.flatMap((lifecycle) =>
  SESSION_ACTIONS.flatMap((action) => ROLES.map((role) => ({ lifecycle, action, role }))),
);

describe("sessionActions: every lifecycle × action × role", () => {
  it("covers every cell", () => {
    expect(cells).toHaveLength(9 * 11 * 4);
    expect(Object.keys(STATE).sort()).toEqual([...LIFECYCLE_STATES].sort());
  });

  it.each(cells)("$lifecycle · $action · $role", ({ lifecycle, action, role }) => {
    const decision = sessionActions({ ...FIXTURES[lifecycle], role })[action];
    // The state's answer first; a role lacking the capability is named when the state would allow it.
    const byState = STATE[lifecycle][action];
    const expected = byState !== true ? byState : ROLE_MAY[action].includes(role) ? true : ROLE_FORBIDDEN;
    if (expected === true) {
      expect(decision).toEqual({ allowed: true });
    } else {
      expect(decision.allowed).toBe(false);
      expect(decision.reasonCode).toBe(expected);
      expect(decision.message).toMatch(/\S/);
    }
  });
});

describe("the finer cases", () => {
  const base = FIXTURES.bootstrap_failed;

  it("tells the role in its own words", () => {
    expect(decide("verifyAccess", { ...FIXTURES.draft, role: "viewer" })).toEqual({
      allowed: false,
      reasonCode: ROLE_FORBIDDEN,
      message: "Your role (viewer) cannot start runs.",
    });
    expect(decide("saveDraft", { ...FIXTURES.draft, role: "viewer" }).message).toBe(
      "Your role (viewer) can view this onboarding but not edit it.",
    );
    expect(decide("bootstrap", { ...FIXTURES.draft, role: "viewer" }).message).toMatch(/^Verify access first/);
  });

  it("offers no override when the failed bootstrap created nothing", () => {
    const input = { ...base, session: { ...base.session, platformId: null }, role: "owner" as const };
    expect(decide("overrideActivate", input)).toMatchObject({ allowed: false, reasonCode: "not_ready_for_activation" });
  });

  it("resumes only a run of ours, not an external executor's failure", () => {
    const input = { session: base.session, runs: { verify_access: verified }, role: "owner" as const };
    expect(decide("resume", input)).toMatchObject({ allowed: false, reasonCode: "nothing_to_resume" });
  });

  it("locks identity once a bootstrap run exists, even before the lifecycle shows it", () => {
    const input = {
      ...FIXTURES.ready_for_bootstrap,
      runs: { ...FIXTURES.ready_for_bootstrap.runs, bootstrap: run("b1", "completed", "cancelled") },
      role: "owner" as const,
    };
    expect(decide("saveDraft", input).reasonCode).toBe("identity_locked");
  });

  it("leaves identity editable after an external executor's failure (no run of ours, no platform)", () => {
    const input = {
      session: { ...base.session, platformId: null },
      runs: { verify_access: verified },
      role: "operator" as const,
    };
    expect(decide("saveDraft", input).allowed).toBe(true);
    expect(decide("connect", input).allowed).toBe(true);
  });

  it("keeps free-form draft answers editable during runs, not after closing", () => {
    expect(decide("saveAnswers", { ...FIXTURES.bootstrapping, role: "operator" }).allowed).toBe(true);
    expect(decide("saveAnswers", { ...FIXTURES.cancelled, role: "operator" }).reasonCode).toBe("session_closed");
    expect(decide("saveAnswers", { ...FIXTURES.draft, role: "viewer" }).reasonCode).toBe(ROLE_FORBIDDEN);
  });

  it("refuses executor progress during our own run", () => {
    expect(decide("reportProgress", { ...FIXTURES.verifying, role: "operator" }).reasonCode).toBe("run_active");
    expect(decide("reportProgress", { ...FIXTURES.ready_for_bootstrap, role: "operator" }).allowed).toBe(true);
  });

  it("runs one re-check at a time, and holds the report still while it runs", () => {
    const blocked = FIXTURES.action_required;
    const rechecking = {
      ...blocked,
      runs: { ...blocked.runs, recheck_access: run("rc1", "running") },
      role: "operator" as const,
    };
    expect(decide("recheckAccess", rechecking).reasonCode).toBe("run_active");
    expect(decide("verifyAccess", rechecking).reasonCode).toBe("run_active");
    expect(decide("saveDraft", rechecking).reasonCode).toBe("run_active");
    expect(decide("cancelRun", rechecking).allowed).toBe(true);
    const ready = {
      ...FIXTURES.ready_for_bootstrap,
      runs: { ...FIXTURES.ready_for_bootstrap.runs, recheck_access: run("rc1", "queued") },
      role: "operator" as const,
    };
    expect(decide("bootstrap", ready).reasonCode).toBe("run_active");
    const done = {
      ...blocked,
      runs: { ...blocked.runs, recheck_access: run("rc1", "completed", "succeeded") },
      role: "operator" as const,
    };
    expect(decide("recheckAccess", done).allowed).toBe(true);
  });

  it("answers deprovision while removing and without a platform", () => {
    const cancelled = FIXTURES.cancelled;
    const removing = {
      ...cancelled,
      runs: { ...cancelled.runs, deprovision: run("d1", "running") },
      role: "owner" as const,
    };
    expect(decide("deprovision", removing).reasonCode).toBe("run_active");
    expect(decide("cancelRun", removing).allowed).toBe(true);
    const nothing = { ...cancelled, session: { ...cancelled.session, platformId: null }, role: "owner" as const };
    expect(decide("deprovision", nothing).reasonCode).toBe("nothing_to_deprovision");
  });
});

describe("server guards", () => {
  const thrown = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return err as ApiError;
    }
    throw new Error("did not throw");
  };

  it("answers the role with 403 forbidden and the capability, before the state", () => {
    const err = thrown(() => assertAllowed("overrideActivate", { ...FIXTURES.bootstrap_failed, role: "operator" }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 403,
      code: "forbidden",
      reasonCode: ROLE_FORBIDDEN,
      extra: { capability: "override", role: "operator" },
    });
    expect(thrown(() => assertAllowed("bootstrap", { ...FIXTURES.draft, role: "viewer" }))).toMatchObject({
      status: 403,
    });
  });

  it("answers a run in progress with 409 run_active and the run", () => {
    const err = thrown(() => assertAllowed("saveDraft", { ...FIXTURES.bootstrapping, role: "owner" }));
    expect(err).toMatchObject({ status: 409, code: "run_active", extra: { runId: "b1" } });
  });

  it("answers a state refusal with 409 illegal_transition and the reason code", () => {
    const err = thrown(() => assertAllowed("activate", { ...FIXTURES.draft, role: "owner" }));
    expect(err).toMatchObject({ status: 409, code: "illegal_transition", reasonCode: "not_ready_for_activation" });
    expect(() => assertAllowed("activate", { ...FIXTURES.ready_for_activation, role: "operator" })).not.toThrow();
  });

  it("cancels one run by its own state", () => {
    expect(() => assertRunCancellable({ ...run("r1", "running"), kind: "verify_access" }, "operator")).not.toThrow();
    expect(
      thrown(() => assertRunCancellable({ ...run("r1", "completed", "succeeded"), kind: "bootstrap" }, "operator")),
    ).toMatchObject({ reasonCode: "run_finished" });
    expect(thrown(() => assertRunCancellable({ ...run("r1", "running"), kind: "bootstrap" }, "viewer"))).toMatchObject({
      status: 403,
    });
  });
});
