// GET /api/v1/insights against PostgreSQL: a workspace with hand-made onboardings and runs of
// known shapes and durations gives exactly the funnel, percentiles, reason codes and daily
// counts it should; the window cuts; another workspace sees none of it; the list filter that
// the reason codes link to returns the affected onboardings.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Checkpoint, LifecycleState } from "@/lib/generated/prisma/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as insights from "@/app/api/v1/insights/route";
import * as collection from "@/app/api/v1/onboarding/route";
import { PIPELINE_STEPS } from "@/lib/onboarding/constants";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let other: Awaited<ReturnType<typeof createWorkspaceWithMember>>;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);
let n = 0;

async function onboarding(opts: {
  createdAt: Date;
  checkpoint: Checkpoint;
  lifecycle?: LifecycleState;
  completedAt?: Date;
  activatedAt?: Date;
}) {
  n++;
  return db().onboardingSession.create({
    data: {
      workspaceId: owner.workspace.id,
      platformName: `Insights ${n}`,
      slug: `insights-${n}-${Math.random().toString(36).slice(2, 6)}`,
      tier: "starter",
      userId: owner.user.id,
      steps: [],
      currentCheckpoint: opts.checkpoint,
      lifecycleState: opts.lifecycle ?? "draft",
      createdAt: opts.createdAt,
      completedAt: opts.completedAt,
      activatedAt: opts.activatedAt,
    },
  });
}

/** A finished run; bootstrap steps last `stepSeconds[i]` each. */
async function run(
  sessionId: string,
  kind: "verify_access" | "bootstrap",
  createdAt: Date,
  seconds: number,
  outcome: "succeeded" | "failed" | "blocked",
  reasonCode: string | null = null,
  stepSeconds: number[] = [],
) {
  return db().operationRun.create({
    data: {
      workspaceId: owner.workspace.id,
      sessionId,
      kind,
      status: "completed",
      outcome,
      reasonCode,
      createdAt,
      startedAt: createdAt,
      finishedAt: new Date(createdAt.getTime() + seconds * 1000),
      steps: {
        create: stepSeconds.map((s, position) => ({
          key: PIPELINE_STEPS[position].key,
          label: PIPELINE_STEPS[position].label,
          position,
          status: "succeeded" as const,
          attempts: 1,
          startedAt: new Date(createdAt.getTime() + position * 100_000),
          finishedAt: new Date(createdAt.getTime() + position * 100_000 + s * 1000),
        })),
      },
    },
  });
}

let failedA = "";
let failedB = "";

beforeAll(async () => {
  owner = await createWorkspaceWithMember("viewer");
  other = await createWorkspaceWithMember("owner");
  // Within 7 days: 1 at Identify, 1 at Connect, 1 blocked at Verify Access, 2 failed bootstraps,
  // 3 completed of which 2 activated. One more 20 days ago (completed), one 100 days ago.
  const t = ago(2 * DAY);
  await onboarding({ createdAt: t, checkpoint: "identify" });
  await onboarding({ createdAt: t, checkpoint: "connect" });
  const blocked = await onboarding({ createdAt: t, checkpoint: "verify_access", lifecycle: "action_required" });
  await run(blocked.id, "verify_access", new Date(t.getTime() + 60_000), 5, "blocked", "access_blocked");
  for (const which of ["a", "b"]) {
    const s = await onboarding({ createdAt: t, checkpoint: "bootstrap", lifecycle: "bootstrap_failed" });
    await run(s.id, "verify_access", new Date(t.getTime() + 120_000), 4, "succeeded");
    await run(s.id, "bootstrap", new Date(t.getTime() + 600_000), 30, "failed", "step_failed:setup_repo", [1, 2]);
    if (which === "a") failedA = s.id;
    else failedB = s.id;
  }
  // A second failure of the same onboarding counts as a run, not as another onboarding.
  await run(failedA, "bootstrap", new Date(t.getTime() + 900_000), 10, "failed", "step_failed:setup_repo");
  const stepSets = [
    [1, 10, 3, 4, 5],
    [2, 20, 3, 4, 5],
    [3, 30, 3, 4, 5],
  ];
  for (const [i, steps] of stepSets.entries()) {
    const completedAt = new Date(t.getTime() + 3_600_000);
    const s = await onboarding({
      createdAt: t,
      checkpoint: "activate",
      lifecycle: i < 2 ? "active" : "ready_for_activation",
      completedAt,
      activatedAt: i < 2 ? new Date(completedAt.getTime() + (i + 1) * 600_000) : undefined,
    });
    await run(s.id, "verify_access", new Date(t.getTime() + (i + 1) * 60_000), 6, "succeeded");
    await run(s.id, "bootstrap", new Date(t.getTime() + 1_200_000), 100 * (i + 1), "succeeded", null, steps);
  }
  const older = await onboarding({
    createdAt: ago(20 * DAY),
    checkpoint: "activate",
    lifecycle: "ready_for_activation",
  });
  await run(older.id, "bootstrap", ago(20 * DAY), 1000, "succeeded", null, [100, 100, 100, 100, 100]);
  await onboarding({ createdAt: ago(100 * DAY), checkpoint: "identify" });
});

async function get(days: string, token = owner.token) {
  return callRoute(insights.GET, { url: `http://localhost/api/v1/insights?days=${days}`, token });
}

describe("GET /api/v1/insights", () => {
  it("counts the funnel by furthest checkpoint reached in the window", async () => {
    const res = await get("7");
    expect(res.status).toBe(200);
    expect(res.body.funnel).toEqual([
      { checkpoint: "identify", reached: 8 },
      { checkpoint: "connect", reached: 7 },
      { checkpoint: "verify_access", reached: 6 },
      { checkpoint: "bootstrap", reached: 5 },
      { checkpoint: "activate", reached: 3 },
      { checkpoint: "activated", reached: 2 },
    ]);
    expect((await get("30")).body.funnel[0].reached).toBe(9);
    expect((await get("90")).body.funnel[0].reached).toBe(9);
  });

  it("gives the median and p90 of each pipeline step and checkpoint", async () => {
    const { body } = await get("7");
    const step = (key: string) => body.stepDurations.find((s: { key: string }) => s.key === key);
    // provision_infra: 2, 2 (failed runs' succeeded steps), 10, 20, 30 → median 10, p90 = 20 + 0.6 × 10.
    expect(step("provision_infra")).toEqual({ key: "provision_infra", medianSeconds: 10, p90Seconds: 26, samples: 5 });
    expect(step("verify")).toMatchObject({ medianSeconds: 5, p90Seconds: 5, samples: 3 });
    expect(body.stepDurations.map((s: { key: string }) => s.key)).toEqual(PIPELINE_STEPS.map((s) => s.key));
    const cp = (key: string) => body.checkpointDurations.find((s: { key: string }) => s.key === key);
    // Bootstrap runs that succeeded: 100, 200, 300 s; Activate: 10 and 20 minutes.
    expect(cp("bootstrap")).toMatchObject({ medianSeconds: 200, samples: 3 });
    expect(cp("activate")).toMatchObject({ medianSeconds: 900, samples: 2 });
    // Verify Access runs that succeeded: 4, 4, 6, 6, 6 s (the blocked one does not count).
    expect(cp("verify_access")).toMatchObject({ medianSeconds: 6, samples: 5 });
    // Created → first Verify Access requested: 60, 120, 120, 60, 120, 180 s.
    expect(cp("identify_connect")).toMatchObject({ medianSeconds: 120, samples: 6 });
  });

  it("lists the top failure reason codes with runs and onboardings, and the list filter finds them", async () => {
    const { body } = await get("7");
    expect(body.reasonCodes).toEqual([
      { reasonCode: "step_failed:setup_repo", runs: 3, onboardings: 2 },
      { reasonCode: "access_blocked", runs: 1, onboardings: 1 },
    ]);
    const list = await callRoute(collection.GET, {
      url: "http://localhost/api/v1/onboarding?reasonCode=step_failed:setup_repo",
      token: owner.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id).sort()).toEqual([failedA, failedB].sort());
    const bad = await callRoute(collection.GET, {
      url: "http://localhost/api/v1/onboarding?reasonCode=DROP%20TABLE",
      token: owner.token,
    });
    expect(bad.status).toBe(422);
  });

  it("counts runs per UTC day by outcome over every day of the window", async () => {
    const { body } = await get("30");
    expect(body.runsPerDay.length).toBeGreaterThanOrEqual(30);
    const total = (key: string) => body.runsPerDay.reduce((n: number, d: Record<string, number>) => n + d[key], 0);
    expect(total("succeeded")).toBe(2 + 3 + 3 + 1);
    expect(total("failed")).toBe(3);
    expect(total("blocked")).toBe(1);
  });

  it("refuses another window, and shows another workspace nothing of this one", async () => {
    const res = await get("8");
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("days");
    const theirs = await get("90", other.token);
    expect(theirs.status).toBe(200);
    expect(theirs.body.funnel[0].reached).toBe(0);
    expect(theirs.body.reasonCodes).toEqual([]);
    expect((await callRoute(insights.GET, { url: "http://localhost/api/v1/insights" })).status).toBe(401);
  });
});
