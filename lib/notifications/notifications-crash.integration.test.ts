// Exactly one notification per run end with two worker processes, one of them killed with
// SIGKILL while it holds runs: the survivor takes them over and each end is notified once.
// (Workers run under `node --import tsx` so that SIGKILL hits the process executing the step.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";
import { workerProcesses } from "@/test/worker-processes";

const workerPool = workerProcesses({ WORKER_CONCURRENCY: "4" });
const startWorkerProcess = (name?: string) => workerPool.start(name);

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  workerPool.killAll();
  await stopQueue({ graceful: false });
});

describe("notifications under worker crashes", () => {
  it("writes exactly one notification per run end across 2 workers and a kill -9", async () => {
    const workerA = startWorkerProcess();
    startWorkerProcess();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await callRoute(collection.POST, {
        method: "POST",
        url: "http://localhost/api/v1/onboarding",
        token: owner.token,
        body: {
          platformName: `Crash Notify ${i}`,
          slug: `cn-${i}-${Date.now().toString(36)}`,
          tier: "starter",
          simulation: { stepDelayMs: 20 },
        },
      });
      ids.push(created.body.onboardingId);
      const v = await callRoute(verify.POST, {
        method: "POST",
        url: "http://x",
        token: owner.token,
        params: { id: created.body.onboardingId },
        body: { version: created.body.version },
      });
      expect(v.status).toBe(202);
    }
    await waitFor(
      "the verifications",
      async () =>
        (await db().operationRun.count({ where: { sessionId: { in: ids }, status: "completed" } })) === ids.length,
      90_000,
    );

    // Slow bootstraps, so that worker A is mid-step when it dies.
    await db().onboardingSession.updateMany({
      where: { id: { in: ids } },
      data: { simulation: { stepDelayMs: 1500 } },
    });
    const runIds: string[] = [];
    for (const id of ids) {
      const s = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
      const b = await callRoute(bootstrap.POST, {
        method: "POST",
        url: "http://x",
        token: owner.token,
        params: { id },
        body: { version: s.version },
      });
      expect(b.status).toBe(202);
      runIds.push(b.body.run.id);
    }
    await waitFor(
      "worker A to hold a run",
      async () =>
        (await db().operationRun.count({
          where: { id: { in: runIds }, leaseOwner: { startsWith: `${workerA.pid}-` } },
        })) > 0,
      60_000,
    );
    workerA.kill("SIGKILL");
    await db().onboardingSession.updateMany({ where: { id: { in: ids } }, data: { simulation: { stepDelayMs: 20 } } });

    const done = await waitFor(
      "every bootstrap to finish",
      async () => {
        const runs = await db().operationRun.findMany({ where: { id: { in: runIds } } });
        return runs.every((r) => r.status === "completed") ? runs : null;
      },
      180_000,
    );
    expect(done.map((r) => r.outcome)).toEqual(runIds.map(() => "succeeded"));

    const notes = await db().notification.findMany({ where: { userId: owner.user.id, runId: { in: runIds } } });
    expect(notes).toHaveLength(runIds.length);
    expect(new Set(notes.map((n) => n.runId)).size).toBe(runIds.length);
    expect(notes.every((n) => n.kind === "run_succeeded" && n.runAttempt === 1)).toBe(true);
    // The verifications ended once each too.
    expect(await db().notification.count({ where: { userId: owner.user.id, runId: { notIn: runIds } } })).toBe(
      ids.length,
    );
  }, 300_000);
});
