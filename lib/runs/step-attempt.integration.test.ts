// A step's log against PostgreSQL: lines logged close together are written together and in
// order; the lines still waiting when the step succeeds are written with its success, before
// its "done" line; a worker whose lease was taken over writes none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import { claim } from "./lease";
import { attemptSucceeded, beginAttempt, LOG_BATCH_MS, makeRunLogger } from "./step-attempt";
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
