// When a run's queue job hands over to a fresh job (RUN_JOB_BUDGET_MS): only when every run
// consumer of the worker is busy, so that a waiting run gets its turn; a lone long run keeps its
// job from step to step (a handover would pause it between steps). Real pg-boss worker, two
// consumers, the simulated provider's Verify Access (two steps: one step boundary per run).
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createWorkspaceWithMember, type Member } from "@/test/fixtures";
import { createOnboarding } from "@/test/onboarding-fixtures";
import { startWorker } from "./worker";
import { stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";

let owner: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  // Every job is past its budget after its first step: each step boundary asks "hand over?".
  process.env.RUN_JOB_BUDGET_MS = "1";
  await startWorker({ concurrency: 2 });
});

afterEach(() => waitFor("no run left active", async () => (await activeRuns()) === 0, 30_000));

afterAll(async () => {
  delete process.env.RUN_JOB_BUDGET_MS;
  await stopQueue({ graceful: false });
});

const activeRuns = () => db().operationRun.count({ where: { status: { not: "completed" } } });

/** Starts Verify Access on `n` new onboardings at once; answers their runs once all have ended. */
async function verifyRuns(n: number, stepDelayMs: number) {
  const ids = await Promise.all(
    Array.from({ length: n }, () => createOnboarding(owner.token, { autoStart: true, simulation: { stepDelayMs } })),
  );
  const sessionIds = ids.map((s) => s.id);
  const where = { sessionId: { in: sessionIds }, kind: "verify_access" as const };
  await waitFor(
    "the runs to end",
    async () => (await db().operationRun.count({ where: { ...where, status: "completed" } })) === n,
    30_000,
  );
  const runs = await db().operationRun.findMany({ where, include: { attempts: { orderBy: { startedAt: "asc" } } } });
  for (const run of runs) expect(run.outcome, run.id).toBe("succeeded");
  return runs;
}

it("a lone run on a worker with a free consumer keeps its job from step to step", async () => {
  const [run] = await verifyRuns(1, 200);
  // One claim: both steps ran under the first lease generation, in the same job.
  expect(run.leaseGeneration).toBe(1);
  expect(run.attempts.map((a) => a.leaseGeneration)).toEqual([1, 1]);
});

it("with every consumer busy, a run past its budget hands over so that a waiting run starts", async () => {
  // Three runs on two consumers: two are claimed, the third waits. Each step takes ≈ 1 s, so
  // without a handover the third could only start once one of the others had finished.
  const runs = await verifyRuns(3, 2_000);
  const lastStart = Math.max(...runs.map((r) => r.startedAt!.getTime()));
  const firstEnd = Math.min(...runs.map((r) => r.finishedAt!.getTime()));
  expect(lastStart, "the waiting run started before either of the others ended").toBeLessThan(firstEnd);
  expect(runs.some((r) => r.leaseGeneration > 1)).toBe(true);
});
