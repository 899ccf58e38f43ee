// A step's log against PostgreSQL: lines logged close together are written together and in
// order; the lines still waiting when the step succeeds are written with its success, before
// its "done" line; a worker whose lease was taken over writes none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { OperationRunStep } from "@/lib/generated/prisma/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import { claim, LeaseLost } from "./lease";
import { attemptSucceeded, beginAttempt, LOG_BATCH_MS, makeRunLogger, type AttemptHandle } from "./step-attempt";
import { stopQueue } from "@/lib/queue/queue";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  // The runs were claimed by made-up workers and left mid-step: end them, so that a later file's
  // worker (its sweep takes stale leases over) does not finish them in the middle of its own test.
  await db().operationRun.updateMany({
    where: { id: { in: claimed }, status: { not: "completed" } },
    data: { status: "completed", outcome: "cancelled", leaseOwner: null, activeKey: null, finishedAt: new Date() },
  });
  await stopQueue({ graceful: false });
});

const claimed: string[] = [];

/** A queued verification, claimed by `workerId`. */
async function claimedRun(workerId: string) {
  const { id, version } = await createOnboarding(owner.token, { simulation: { stepDelayMs: 0 } });
  const started = await callRoute(verify.POST, {
    method: "POST",
    url: "http://x",
    token: owner.token,
    params: { id },
    body: { version },
  });
  expect(started.status).toBe(202);
  claimed.push(started.body.run.id);
  return { sessionId: id, ...(await claim(started.body.run.id, workerId))! };
}

const stepLines = async (runId: string) =>
  (
    await db().operationRunLog.findMany({
      where: { runId, stepKey: "check_infrastructure" },
      orderBy: { id: "asc" },
    })
  ).map((l) => `${l.level} ${l.message}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a step's log", () => {
  it("writes lines in order, together, and the last ones with the step's success before its 'done'", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const step = run.steps[0];
    const handle = await beginAttempt(lease, step, 1);
    const logger = makeRunLogger(lease, step.key);

    logger.log("one");
    logger.log("two", "warn");
    expect(await stepLines(run.id)).toEqual(["info Check infrastructure access: attempt 1"]);
    await sleep(LOG_BATCH_MS + 300); // written by the batch timer, without a flush
    expect(await stepLines(run.id)).toEqual(["info Check infrastructure access: attempt 1", "info one", "warn two"]);

    logger.log("three");
    logger.log("four");
    const taken = await logger.take();
    expect(taken.map((l) => l.message)).toEqual(["three", "four"]);
    await sleep(LOG_BATCH_MS + 300); // taken lines are the caller's: the timer writes nothing
    expect(await stepLines(run.id)).toHaveLength(3);

    await attemptSucceeded(
      lease,
      step,
      handle,
      { ok: true },
      {
        sessionId,
        sessionSteps: null,
        logLines: [...taken, { level: "info", message: "Check infrastructure access: done" }],
      },
    );
    expect(await stepLines(run.id)).toEqual([
      "info Check infrastructure access: attempt 1",
      "info one",
      "warn two",
      "info three",
      "info four",
      "info Check infrastructure access: done",
    ]);
  });

  it("writes nothing for a worker whose lease was taken over", async () => {
    const { lease, run } = await claimedRun("worker-a");
    const logger = makeRunLogger(lease, run.steps[0].key);
    await db().operationRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await claim(run.id, "worker-b")).not.toBeNull();
    logger.log("from the old worker");
    await logger.flush();
    expect(await stepLines(run.id)).toEqual([]);
  });
});

describe("a step boundary", () => {
  const runLog = async (runId: string) =>
    (await db().operationRunLog.findMany({ where: { runId }, orderBy: { id: "asc" } })).map(
      (l) => `${l.stepKey} ${l.message}`,
    );
  type Success = [result: unknown, progress: Parameters<typeof attemptSucceeded>[4], next: OperationRunStep];
  const success = (sessionId: string, next: OperationRunStep): Success => [
    { ok: true },
    { sessionId, sessionSteps: null, logLines: [{ level: "info", message: "first: done" }] },
    next,
  ];

  it("records the step's success and starts the next step's first attempt in one statement", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const [first, second] = run.steps;
    const handle = await beginAttempt(lease, first, 1);
    const next = await attemptSucceeded(lease, first, handle, ...success(sessionId, second));

    expect(next).toMatchObject({ attempt: 1, stepAttempts: 1 });
    const steps = await db().operationRunStep.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    expect(steps.map((s) => [s.key, s.status, s.attempts])).toEqual([
      [first.key, "succeeded", 1],
      [second.key, "running", 1],
    ]);
    // The timeline: the first attempt closed, the next one open under the same lease.
    const attempts = await db().operationRunAttempt.findMany({
      where: { runId: run.id },
      orderBy: { startedAt: "asc" },
    });
    expect(attempts.map((a) => [a.stepKey, a.outcome, a.leaseGeneration, a.id === next!.id])).toEqual([
      [first.key, "succeeded", lease.generation, false],
      [second.key, null, lease.generation, true],
    ]);
    // …and the log reads in order: the done line, then the next step's attempt line.
    expect(await runLog(run.id)).toEqual([
      `${first.key} ${first.label}: attempt 1`,
      `${first.key} first: done`,
      `${second.key} ${second.label}: attempt 1`,
    ]);
    // The run's heartbeat moved with it (the write is also the fence).
    const after = await db().operationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.heartbeatAt!.getTime()).toBeGreaterThanOrEqual(steps[1].startedAt!.getTime());
  });

  it("writes neither half for a worker whose lease was taken over", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const [first, second] = run.steps;
    const handle = await beginAttempt(lease, first, 1);
    await db().operationRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await claim(run.id, "worker-b")).not.toBeNull();

    await expect(attemptSucceeded(lease, first, handle, ...success(sessionId, second))).rejects.toBeInstanceOf(
      LeaseLost,
    );
    const steps = await db().operationRunStep.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    expect(steps.map((s) => s.status)).toEqual(["running", "pending"]);
    expect(await db().operationRunAttempt.count({ where: { runId: run.id } })).toBe(1);
    expect(await runLog(run.id)).toEqual([`${first.key} ${first.label}: attempt 1`]);
  });
});

describe("a step's platform change", () => {
  const platformOf = async () =>
    db().platform.create({
      data: {
        workspaceId: owner.workspace.id,
        slug: `plat-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        tier: "growth",
      },
    });
  const change = {
    resources: { repository: { fullName: "o/r" } },
    repoUrl: "https://git.example.test/o/r",
    status: "active" as const,
    deploymentUrl: "https://r.pages.example.test",
  };
  /** The first step's success, with `change` to the platform `platformId`. */
  const succeed = (
    { lease, run, sessionId }: Pick<Awaited<ReturnType<typeof claimedRun>>, "lease" | "run" | "sessionId">,
    handle: AttemptHandle,
    platformId: string,
  ) =>
    attemptSucceeded(
      lease,
      run.steps[0],
      handle,
      {},
      {
        sessionId,
        sessionSteps: null,
        logLines: [],
        platform: { platformId, change },
      },
    );

  it("is written with the step's success, in the same statement", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const platform = await platformOf();
    const handle = await beginAttempt(lease, run.steps[0], 1);
    await succeed({ lease, run, sessionId }, handle, platform.id);
    const after = await db().platform.findUniqueOrThrow({ where: { id: platform.id } });
    expect(after).toMatchObject({ ...change, slug: platform.slug, tier: "growth" });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(platform.updatedAt.getTime());
    expect((await db().operationRunStep.findUniqueOrThrow({ where: { id: run.steps[0].id } })).status).toBe(
      "succeeded",
    );
  });

  it("is not written by a worker whose lease was taken over", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const platform = await platformOf();
    const handle = await beginAttempt(lease, run.steps[0], 1);
    await db().operationRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await claim(run.id, "worker-b")).not.toBeNull();
    await expect(succeed({ lease, run, sessionId }, handle, platform.id)).rejects.toBeInstanceOf(LeaseLost);
    expect(await db().platform.findUniqueOrThrow({ where: { id: platform.id } })).toEqual(platform);
  });

  it("names the step when its platform is not there to update", async () => {
    const { lease, run, sessionId } = await claimedRun("worker-a");
    const handle = await beginAttempt(lease, run.steps[0], 1);
    await expect(succeed({ lease, run, sessionId }, handle, "no-such-platform")).rejects.toThrow(
      `step ${run.steps[0].key}: platform no-such-platform was not updated`,
    );
  });
});

describe("a claim", () => {
  it("answers the run with its steps and its onboarding as Prisma reads them, in one statement", async () => {
    const { lease, run, session, sessionId } = await claimedRun("worker-a");
    expect(lease).toMatchObject({ runId: run.id, workerId: "worker-a", generation: 1 });
    expect(run.steps.map((s) => s.key)).toEqual(["check_infrastructure", "check_repository"]);
    expect(run).toEqual(
      await db().operationRun.findUniqueOrThrow({
        where: { id: run.id },
        include: { steps: { orderBy: { position: "asc" } } },
      }),
    );
    // Every column, with Dates and JSON as the job's steps expect them (no "session." left on the run).
    expect(session).toEqual(await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } }));
    expect(Object.keys(run).some((k) => k.startsWith("session."))).toBe(false);
  });
});
