import { describe, expect, it } from "vitest";
import { healthText } from "./run-health-text";
import type { RunHealth } from "./types";

const base: RunHealth = {
  runId: "r1",
  runKind: "bootstrap",
  status: "healthy",
  reason: null,
  stepKey: "setup_repo",
  stepLabel: "Set up repository",
  attempt: 1,
  maxAttempts: 4,
  nextAttemptAt: null,
  stepElapsedMs: 3_000,
  stepBudgetMs: 15_000,
  lastProgressAt: "2026-01-01T12:00:00.000Z",
  silentForMs: 300,
};
const now = Date.parse("2026-01-01T12:00:00Z");

describe("healthText", () => {
  it("says what is retried, which attempt comes next, in how long and why", () => {
    const t = healthText(
      {
        ...base,
        status: "retrying",
        reason: "retrying:github_rate_limited",
        attempt: 2,
        nextAttemptAt: "2026-01-01T12:00:08.000Z",
      },
      now,
    );
    expect(t).toMatchObject({ tone: "warn", title: "Retrying — attempt 2 of 4 in 8 s: GitHub rate limit" });
  });

  it("says a stalled run has had no progress and that no worker picked it up", () => {
    const t = healthText({ ...base, status: "stalled", reason: "stalled:not_picked_up", silentForMs: 40_200 }, now);
    expect(t).toMatchObject({ tone: "bad", title: "Stalled — no progress for 40 s; no worker has picked this up" });
  });

  it("names a dead worker and an over-budget step differently", () => {
    expect(
      healthText({ ...base, status: "stalled", reason: "stalled:no_heartbeat", silentForMs: 20_000 }, now).title,
    ).toBe("Stalled — no progress for 20 s; the worker running it stopped sending heartbeats");
    expect(
      healthText({ ...base, status: "stalled", reason: "stalled:step_over_budget", stepElapsedMs: 21_000 }, now).title,
    ).toBe("Stalled — Set up repository has run 21 s, past its 15 s budget");
  });

  it("shows a healthy step's elapsed time against its budget", () => {
    expect(healthText(base, now).title).toBe("Healthy — Set up repository · 3 s of its 15 s budget");
  });

  it("keeps counting between answers (a 304 brings no new elapsed time)", () => {
    expect(healthText(base, now + 8_000).title).toBe("Healthy — Set up repository · 11 s of its 15 s budget");
  });
});
