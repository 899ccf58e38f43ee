// A worker that dies after taking a run's queue job but before claiming the run leaves no lease
// for the sweep to take over: the sweep recognises the orphaned job and queues the run again,
// once, and leaves alone runs whose job is waiting or was taken a moment ago.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding, startRun } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import { getBoss, RUN_QUEUE, stopQueue } from "@/lib/queue/queue";
import { startWorker } from "./worker";
import { sweepRuns } from "./sweep";
import { waitFor } from "@/test/wait-for";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

/** Starts a verification with no worker running: its run is queued, its job waits. */
async function queuedVerification(): Promise<string> {
  const { id, version } = await createOnboarding(owner.token, { simulation: { stepDelayMs: 10 } });
  return (await startRun(verify.POST, owner.token, id, version)).run.id;
}

/** Takes the run's job as a worker would, then "dies": the job stays active, the run unclaimed. */
async function takeJobAndDie(runId: string, takenSecondsAgo: number): Promise<string> {
  const { queueJobId } = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
  expect(queueJobId).toBeTruthy();
  const boss = await getBoss();
  await boss
    .getDb()
    .executeSql(
      `UPDATE pgboss.job SET state = 'active', started_on = now() - make_interval(secs => $2) WHERE name = $3 AND id = $1`,
      [queueJobId, takenSecondsAgo, RUN_QUEUE],
    );
  return queueJobId!;
}

describe("the sweep and runs whose job was taken by a worker that died", () => {
  it("queues the run again once, and a worker finishes it", async () => {
    const orphan = await queuedVerification();
    const waiting = await queuedVerification();
    const justTaken = await queuedVerification();
    const oldJob = await takeJobAndDie(orphan, 10);
    await takeJobAndDie(justTaken, 0);

    const first = await sweepRuns();
    expect(first.requeued).toContain(orphan);
    expect(first.requeued).not.toContain(waiting); // its job is waiting for a worker
    expect(first.requeued).not.toContain(justTaken); // its worker may be claiming it right now
    const requeued = await db().operationRun.findUniqueOrThrow({ where: { id: orphan }, include: { logs: true } });
    expect(requeued.queueJobId).not.toBe(oldJob);
    expect(requeued.logs.map((l) => l.message).join("\n")).toMatch(
      /stopped before starting it; the run is queued again/,
    );

    // A second sweep sees the fresh job waiting: nothing more is queued.
    expect((await sweepRuns()).requeued).not.toContain(orphan);

    const worker = await startWorker({ concurrency: 2 });
    try {
      const run = await waitFor(
        "the orphaned run to finish",
        async () => {
          const r = await db().operationRun.findUniqueOrThrow({ where: { id: orphan } });
          return r.status === "completed" ? r : null;
        },
        30_000,
      );
      expect(run.outcome).not.toBe("failed");
      // The run whose job was waiting finishes through its own job.
      await waitFor(
        "the waiting run to finish",
        async () => (await db().operationRun.findUniqueOrThrow({ where: { id: waiting } })).status === "completed",
        30_000,
      );
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
