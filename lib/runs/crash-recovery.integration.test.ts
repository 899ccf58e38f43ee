// (The worker runs under `node --import tsx`, not the tsx CLI, so that SIGKILL hits the
// process that executes the step rather than a launcher.)
// A worker process killed with SIGKILL in the middle of a step: another worker process takes
// the run over within 60 s, re-runs only the unfinished step, and nothing is created twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";
import { workerProcesses } from "@/test/worker-processes";

const workerPool = workerProcesses({ WORKER_CONCURRENCY: "2" });
const startWorkerProcess = (name?: string) => workerPool.start(name);

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  workerPool.killAll();
  await stopQueue({ graceful: false });
});

describe("crash safety", () => {
  it("finishes a run in another worker after kill -9, without duplicates", async () => {
    const workerA = startWorkerProcess("A");
    const created = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: {
        platformName: "Crash Test",
        slug: `crash-${Date.now().toString(36)}`,
        tier: "scale",
        simulation: { stepDelayMs: 20 },
      },
    });
    const id = created.body.onboardingId as string;
    const v = await callRoute(verify.POST, {
      method: "POST",
      url: "http://x/verify-access",
      token: owner.token,
      params: { id },
      body: { version: created.body.version },
    });
    expect(v.status).toBe(202);
    await waitFor(
      "verification",
      async () => (await db().operationRun.findFirst({ where: { id: v.body.run.id, status: "completed" } })) ?? null,
      60_000,
    );

    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 4000 } } });
    const session = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    const b = await callRoute(bootstrap.POST, {
      method: "POST",
      url: "http://x/bootstrap",
      token: owner.token,
      params: { id },
      body: { version: session.version },
    });
    expect(b.status).toBe(202);
    const runId = b.body.run.id as string;

    await waitFor(
      "provision_infra to be running in worker A",
      async () =>
        (await db().operationRunStep.findFirst({ where: { runId, key: "provision_infra", status: "running" } })) ??
        null,
      60_000,
    );
    workerA.kill("SIGKILL");
    const killedAt = Date.now();
    startWorkerProcess("B");

    const retried = await waitFor(
      "provision_infra to be re-run by worker B",
      async () =>
        (await db().operationRunStep.findFirst({ where: { runId, key: "provision_infra", attempts: { gte: 2 } } })) ??
        null,
      75_000,
    );
    expect(retried).toBeTruthy();
    const recoveryMs = Date.now() - killedAt;
    console.log(`[crash-recovery] run taken over ${(recoveryMs / 1000).toFixed(1)} s after kill -9`);
    expect(recoveryMs).toBeLessThan(60_000);

    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 20 } } });
    const run = await waitFor(
      "the run to finish",
      async () =>
        db().operationRun.findFirst({
          where: { id: runId, status: "completed" },
          include: { steps: { orderBy: { position: "asc" } } },
        }),
      60_000,
    );
    expect(run.outcome).toBe("succeeded");
    expect(run.steps.map((s) => [s.key, s.status])).toEqual([
      ["create_platform", "succeeded"],
      ["provision_infra", "succeeded"],
      ["setup_repo", "succeeded"],
      ["deploy_services", "succeeded"],
      ["verify", "succeeded"],
    ]);
    expect(run.steps[0].attempts).toBe(1);
    const resources = await db().simulatedResource.findMany({
      where: { workspaceId: owner.workspace.id, name: session.slug },
    });
    expect(resources.map((r) => r.kind).sort()).toEqual(["deployment", "infra", "repository"]);
    expect(await db().platform.count({ where: { workspaceId: owner.workspace.id, slug: session.slug } })).toBe(1);
    const s = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(s.lifecycleState).toBe("ready_for_activation");
  }, 240_000);
});
