import { describe, expect, it } from "vitest";
import {
  deriveLifecycle,
  verificationFingerprint,
  type LifecycleRunInput,
  type LifecycleSessionInput,
} from "./lifecycle";
import { initialSteps, suggestSlug, SLUG_PATTERN } from "./constants";

const session = (over: Partial<LifecycleSessionInput> = {}): LifecycleSessionInput => ({
  slug: "acme",
  connectionId: null,
  stackTemplateId: null,
  draft: {},
  status: "pending",
  steps: initialSteps(),
  provisionJobId: null,
  currentCheckpoint: "identify",
  cancelledAt: null,
  activatedAt: null,
  ...over,
});

const run = (over: Partial<LifecycleRunInput>): LifecycleRunInput => ({
  kind: "verify_access",
  status: "completed",
  outcome: "succeeded",
  reasonCode: null,
  report: null,
  steps: [],
  ...over,
});

describe("deriveLifecycle", () => {
  it("starts at Connect once Identify is filled in", () => {
    const d = deriveLifecycle(session(), {});
    expect(d).toMatchObject({
      status: "pending",
      lifecycleState: "draft",
      currentCheckpoint: "connect",
      lastCompletedCheckpoint: "identify",
    });
  });

  it("moves to Verify Access when the connection is confirmed", () => {
    expect(deriveLifecycle(session({ draft: { connectConfirmed: true } }), {}).currentCheckpoint).toBe("verify_access");
  });

  it("is verifying and in_progress while a verification runs", () => {
    const d = deriveLifecycle(session(), { verify: run({ status: "running", outcome: null }) });
    expect(d).toMatchObject({ status: "in_progress", lifecycleState: "verifying", currentCheckpoint: "verify_access" });
  });

  it("needs action with the failing check's reason code when verification is blocked", () => {
    const report = {
      fingerprint: verificationFingerprint(session()),
      checks: [{ status: "pass" }, { status: "fail", reasonCode: "github_token_missing_scope" }],
    };
    const d = deriveLifecycle(session(), { verify: run({ outcome: "blocked", report }) });
    expect(d).toMatchObject({
      lifecycleState: "action_required",
      blockingReasonCode: "github_token_missing_scope",
      currentCheckpoint: "verify_access",
    });
  });

  it("is ready for bootstrap after a clean verification, and flags warnings", () => {
    const report = { fingerprint: verificationFingerprint(session()), checks: [{ status: "warn", reasonCode: "x" }] };
    const d = deriveLifecycle(session(), { verify: run({ report }) });
    expect(d).toMatchObject({
      lifecycleState: "ready_for_bootstrap",
      currentCheckpoint: "bootstrap",
      lastCompletedCheckpoint: "verify_access",
      reasonCode: "verified_with_warnings",
    });
  });

  it("asks to verify again when the slug changed after verification", () => {
    const report = { fingerprint: verificationFingerprint(session({ slug: "old" })), checks: [] };
    const d = deriveLifecycle(session(), { verify: run({ report }) });
    expect(d).toMatchObject({
      lifecycleState: "draft",
      reasonCode: "reverify_required",
      currentCheckpoint: "verify_access",
    });
  });

  it("asks to verify again when the infrastructure connection changed after verification", () => {
    const report = { fingerprint: verificationFingerprint(session()), checks: [] };
    const d = deriveLifecycle(session({ infraConnectionId: "cf-1" }), { verify: run({ report }) });
    expect(d).toMatchObject({
      lifecycleState: "draft",
      reasonCode: "reverify_required",
      currentCheckpoint: "verify_access",
    });
    // A report written before infrastructure connections existed still matches a session without one.
    expect(verificationFingerprint(session({ infraConnectionId: null }))).toBe(verificationFingerprint(session()));
  });

  it("follows the bootstrap run: steps, failure reason, success", () => {
    const steps = [
      { key: "create_platform", status: "succeeded", errorCode: null, errorMessage: null, result: { platformId: "p" } },
      { key: "provision_infra", status: "failed", errorCode: "simulated_failure", errorMessage: "boom", result: null },
    ];
    const failed = deriveLifecycle(session(), {
      bootstrap: run({ kind: "bootstrap", outcome: "failed", reasonCode: "step_failed:provision_infra", steps }),
    });
    expect(failed).toMatchObject({
      status: "failed",
      lifecycleState: "bootstrap_failed",
      reasonCode: "step_failed:provision_infra",
    });
    expect(failed.steps.map((s) => s.status)).toEqual(["completed", "failed", "pending", "pending", "pending"]);
    expect(failed.steps[1].result).toEqual({ error: { code: "simulated_failure", message: "boom" } });

    const ok = deriveLifecycle(session(), { bootstrap: run({ kind: "bootstrap", outcome: "succeeded" }) });
    expect(ok).toMatchObject({
      status: "completed",
      lifecycleState: "ready_for_activation",
      currentCheckpoint: "activate",
    });
  });

  it("honours an external executor's reported status", () => {
    const d = deriveLifecycle(
      session({
        provisionJobId: "job-1",
        status: "failed",
        steps: [{ key: "create_platform", status: "failed", label: "x" }],
      }),
      {},
    );
    expect(d).toMatchObject({
      status: "failed",
      lifecycleState: "bootstrap_failed",
      reasonCode: "step_failed:create_platform",
    });
  });

  it("a bootstrap run decides alone: no verification beside it changes the outcome (run starts rely on it)", () => {
    // lib/runs/start-run.ts derives a bootstrap start's lifecycle without reading the verification.
    const bootstraps = [
      run({ kind: "bootstrap", status: "queued", outcome: null }),
      run({ kind: "bootstrap", status: "running", outcome: null }),
      run({ kind: "bootstrap", outcome: "succeeded" }),
      run({ kind: "bootstrap", outcome: "failed", reasonCode: "step_failed:provision_infra" }),
      run({ kind: "bootstrap", outcome: "cancelled" }),
    ];
    const verifications = [
      run({}),
      run({ status: "running", outcome: null }),
      run({ outcome: "blocked", report: { checks: [{ status: "fail", reasonCode: "missing_scope" }] } }),
      run({ outcome: "succeeded", report: { fingerprint: "another|slug", checks: [] } }),
      run({ outcome: "cancelled" }),
    ];
    const sessions = [session(), session({ draft: { connectConfirmed: true }, slug: "other" })];
    for (const s of sessions)
      for (const bootstrap of bootstraps) {
        const alone = deriveLifecycle(s, { verify: null, bootstrap });
        for (const verify of verifications) expect(deriveLifecycle(s, { verify, bootstrap })).toEqual(alone);
      }
  });

  it("cancelled and active win over everything", () => {
    const bootstrap = run({ kind: "bootstrap", status: "running", outcome: null });
    expect(deriveLifecycle(session({ cancelledAt: new Date() }), { bootstrap }).lifecycleState).toBe("cancelled");
    expect(deriveLifecycle(session({ activatedAt: new Date() }), { bootstrap }).lifecycleState).toBe("active");
  });
});

describe("slugs", () => {
  it("suggests a valid slug from a name", () => {
    for (const name of ["Acme Cloud!", "Ünïcode Plätform", "  --x--  ", "42 Things", "a".repeat(80), "Ab"]) {
      expect(suggestSlug(name), name).toMatch(SLUG_PATTERN);
    }
    expect(suggestSlug("Acme Cloud!")).toBe("acme-cloud");
    expect(suggestSlug("Ünïcode Plätform")).toBe("unicode-platform");
    expect(suggestSlug("  --x--  ")).toBe("x-platform");
  });

  it("suggests nothing (rather than an invalid slug) when a name has no letters to start with", () => {
    for (const name of ["!!!", "123", "   ", "42-"]) expect(suggestSlug(name), name).toBe("");
  });

  it("refuses malformed slugs", () => {
    for (const bad of ["ab", "Acme", "-acme", "acme-", "ac--me", "1acme", "a".repeat(41), "acme_cloud"])
      expect(SLUG_PATTERN.test(bad)).toBe(false);
    for (const good of ["acme", "acme-cloud", "a1b2", "a".repeat(40)]) expect(SLUG_PATTERN.test(good)).toBe(true);
  });
});
