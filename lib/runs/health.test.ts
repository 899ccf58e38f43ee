import { describe, expect, it } from "vitest";
import { deriveHealth } from "./health";
import { STALL_AFTER_MS, STEP_TIMEOUT_MS } from "./definitions";

const now = new Date("2026-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const run = (over: Partial<Parameters<typeof deriveHealth>[0]> = {}) => ({
  id: "r1",
  kind: "bootstrap" as const,
  status: "running" as const,
  health: "healthy" as const,
  healthReason: null,
  nextAttemptAt: null,
  heartbeatAt: ago(400),
  leaseOwner: "w1",
  createdAt: ago(60_000),
  ...over,
});
const steps = [
  { key: "create_platform", label: "Create platform", status: "succeeded" as const, attempts: 1 },
  { key: "provision_infra", label: "Provision infrastructure", status: "running" as const, attempts: 2 },
];

describe("deriveHealth", () => {
  it("is null for a finished run", () => {
    expect(deriveHealth(run({ status: "completed" }), steps, null, now)).toBeNull();
  });

  it("reports a live run healthy with the current attempt's elapsed time against its budget", () => {
    const h = deriveHealth(
      run(),
      steps,
      { stepKey: "provision_infra", attempt: 1, startedAt: ago(2_000), finishedAt: null },
      now,
    )!;
    expect(h).toMatchObject({
      status: "healthy",
      reason: null,
      stepKey: "provision_infra",
      attempt: 1,
      stepElapsedMs: 2_000,
      stepBudgetMs: STEP_TIMEOUT_MS,
    });
  });

  it("while retrying, names the next attempt and when it starts", () => {
    const next = new Date(now.getTime() + 8_000);
    const h = deriveHealth(
      run({ health: "retrying", healthReason: "retrying:github_rate_limited", nextAttemptAt: next }),
      steps,
      { stepKey: "provision_infra", attempt: 1, startedAt: ago(3_000), finishedAt: ago(1_000) },
      now,
    )!;
    expect(h).toMatchObject({
      status: "retrying",
      reason: "retrying:github_rate_limited",
      attempt: 2,
      nextAttemptAt: next.toISOString(),
      stepElapsedMs: null,
    });
  });

  it("is stalled when the heartbeat is older than the stall threshold, whatever was stored", () => {
    const h = deriveHealth(run({ health: "retrying", heartbeatAt: ago(STALL_AFTER_MS + 1) }), steps, null, now)!;
    expect(h).toMatchObject({ status: "stalled", reason: "stalled:no_heartbeat", silentForMs: STALL_AFTER_MS + 1 });
  });

  it("is stalled:not_picked_up for a queued run nobody claimed", () => {
    const h = deriveHealth(
      run({ status: "queued", leaseOwner: null, heartbeatAt: null, createdAt: ago(STALL_AFTER_MS + 5_000) }),
      steps,
      null,
      now,
    )!;
    expect(h).toMatchObject({ status: "stalled", reason: "stalled:not_picked_up" });
  });

  it("is stalled:step_over_budget when an attempt runs far past the step timeout", () => {
    const h = deriveHealth(
      run(),
      steps,
      { stepKey: "provision_infra", attempt: 1, startedAt: ago(STEP_TIMEOUT_MS + 6_000), finishedAt: null },
      now,
    )!;
    expect(h).toMatchObject({ status: "stalled", reason: "stalled:step_over_budget" });
  });
});
