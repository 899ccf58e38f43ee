// Fault 11: fencing and long steps.
// - SIGSTOP of the worker executing a bootstrap for 3× the lease, SIGCONT after another worker
//   took the run over: the paused worker's writes are refused (its lease generation is stale),
//   so it writes nothing — no attempt row, no step result, no log line, no session change — and
//   the run finishes correctly in the other worker.
// - A step slower than the old queue job expiry (20 s) runs once: pg-boss never hands a second
//   execution of a job whose step is still running (the job expiry is an hour; the lease is the
//   truth).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  assertNoWorkerCrashed,
  assertWorkspaceConsistent,
  createOnboarding,
  killWorker,
  Recorder,
  scratchWorkspace,
  seconds,
  sessionAction,
  sleep,
  spawnWorker,
  uniqueSlug,
  waitFor,
  waitForRunsToFinish,
  type WorkerProcess,
} from "./harness";

const LEASE_STALE_MS = 3_000;

let owner: Member;
const rec = new Recorder();
scratchWorkspace("fencing", (ctx) => (owner = ctx.owner));

async function verifiedSession(name: string, simulation: Record<string, unknown>) {
  const c = await createOnboarding(rec, owner.token, {
    platformName: name,
    slug: uniqueSlug("fence"),
    tier: "growth",
    simulation,
  });
  expect(c.status).toBe(202);
  const id = c.body.onboardingId as string;
  const v = await sessionAction(rec, owner.token, id, "verify-access", c.body.version);
  expect(v.status).toBe(202);
  await waitFor(
    "verify to finish",
    async () => (await db().operationRun.findUniqueOrThrow({ where: { id: v.body.run.id } })).status === "completed",
    { timeoutMs: 60_000 },
  );
  return id;
}

describe("fault: fencing of a paused worker, and steps longer than the old job expiry", () => {
  it(
    "a worker paused (SIGSTOP) for 3× the lease writes nothing after SIGCONT; the run completes once",
    { timeout: 150_000 },
    async () => {
      const env = { WORKER_CONCURRENCY: "1", RUN_LEASE_STALE_MS: String(LEASE_STALE_MS) };
      // Both workers are up before the run starts (a worker starting on a busy machine can take
      // seconds): whichever claims the bootstrap is paused ("A"), the other must take it over ("B").
      const first = spawnWorker("A", env);
      const second = spawnWorker("B", env);
      let a = first;
      let b: WorkerProcess | undefined = second;
      try {
        await Promise.all([first.ready, second.ready]);
        const id = await verifiedSession("Paused", { stepDelayMs: 4_000 });
        const boot = await sessionAction(rec, owner.token, id, "bootstrap");
        expect(boot.status).toBe(202);
        const runId = boot.body.run.id as string;
        const held = await waitFor(
          "a worker to be mid provision_infra",
          async () => {
            const r = await db().operationRun.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });
            return r.leaseOwner && r.steps.some((s) => s.key === "provision_infra" && s.status === "running")
              ? r
              : null;
          },
          { timeoutMs: 30_000, intervalMs: 50 },
        );
        if (held.leaseOwner!.startsWith(`${second.pid}-`)) [a, b] = [second, first];
        const workerB = b;
        killWorker(a, "SIGSTOP");
        const stoppedAt = Date.now();

        const taken = await waitFor(
          "B to take the run over",
          async () => {
            const r = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
            return r.leaseOwner?.startsWith(`${workerB.pid}-`) ? r : null;
          },
          { timeoutMs: 30_000, intervalMs: 50 },
        );
        expect(taken.leaseGeneration).toBeGreaterThan(held.leaseGeneration);
        await sleep(Math.max(0, 3 * LEASE_STALE_MS - (Date.now() - stoppedAt)));

        // What A wrote while it held the lease; nothing may be added after SIGCONT.
        const aAttempts = async () =>
          db().operationRunAttempt.findMany({
            where: { runId, workerId: held.leaseOwner! },
            orderBy: { startedAt: "asc" },
          });
        const before = await aAttempts();
        expect(before.at(-1)).toMatchObject({ stepKey: "provision_infra", outcome: "lost" });
        const resumedAt = new Date();
        killWorker(a, "SIGCONT");
        a.killedByTest = false;

        const runs = await waitForRunsToFinish(owner.workspace.id, 90_000, 2);
        await waitFor("A to notice it lost the lease", async () => a.output().includes("lease lost"), {
          timeoutMs: 15_000,
        });
        await sleep(1_000); // anything A still had in flight would have been written by now

        const after = await aAttempts();
        expect(after, "A's attempt rows are unchanged (still lost, none added)").toEqual(before);
        const bootstrap = runs.find((r) => r.id === runId)!;
        expect(bootstrap.outcome).toBe("succeeded");
        // Anything started since SIGCONT was written under a newer lease (A may legitimately claim a
        // later handover job of the run, with a new generation; never with its old one).
        const rowsSince = await db().operationRunAttempt.findMany({ where: { runId, startedAt: { gte: resumedAt } } });
        expect(rowsSince.filter((r) => r.leaseGeneration <= held.leaseGeneration)).toEqual([]);
        // Every succeeded attempt and the step results come from B's generation.
        const succeeded = await db().operationRunAttempt.findMany({
          where: { runId, outcome: "succeeded", stepKey: { not: "create_platform" } },
        });
        expect(succeeded.every((r) => r.leaseGeneration >= taken.leaseGeneration)).toBe(true);
        // No log line of A's after the takeover: the log only has B's lines for provision_infra after it.
        const logs = await db().operationRunLog.findMany({
          where: { runId, stepKey: "provision_infra" },
          orderBy: { id: "asc" },
        });
        expect(logs.filter((l) => l.message.endsWith(": done"))).toHaveLength(1);
        expect(a.child.exitCode).toBeNull(); // A survived and simply stopped writing
        assertNoWorkerCrashed();
        await assertWorkspaceConsistent(owner.workspace.id);
        console.log(
          `[fault:fencing] A paused ${seconds(resumedAt.getTime() - stoppedAt)}; B took over after ${seconds(taken.updatedAt.getTime() - stoppedAt)}; A wrote nothing after SIGCONT`,
        );
      } finally {
        // The next scenario needs its own worker settings: these must not take its runs.
        killWorker(a);
        if (b) killWorker(b);
        await Promise.all([a.exited, b?.exited]);
      }
    },
  );

  it("a step slower than the old job expiry (20 s) runs once, in one job execution", { timeout: 150_000 }, async () => {
    const w = spawnWorker("S", { WORKER_CONCURRENCY: "2", STEP_TIMEOUT_MS: "40000" });
    await w.ready;
    const id = await verifiedSession("Slow", { stepDelayMs: 20 });
    // provision_infra takes 22 s; the steps after it are quick again.
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    await db().onboardingSession.update({
      where: { id },
      data: { simulation: { ...(row.simulation as object), stepDelayMs: 22_000 } },
    });
    const boot = await sessionAction(rec, owner.token, id, "bootstrap");
    const runId = boot.body.run.id as string;
    await waitFor(
      "provision_infra to start",
      async () => (await db().operationRunAttempt.count({ where: { runId, stepKey: "provision_infra" } })) > 0,
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await db().onboardingSession.update({
      where: { id },
      data: { simulation: { ...(row.simulation as object), stepDelayMs: 20 } },
    });
    const runs = await waitForRunsToFinish(owner.workspace.id, 90_000, 4);
    const run = runs.find((r) => r.id === runId)!;
    expect(
      run.outcome,
      JSON.stringify(run.steps.map((s) => [s.key, s.status, s.attempts, s.errorCode, s.errorMessage])),
    ).toBe("succeeded");
    const infra = run.steps.find((s) => s.key === "provision_infra")!;
    expect(infra.attempts).toBe(1);
    expect(infra.finishedAt!.getTime() - infra.startedAt!.getTime()).toBeGreaterThan(21_000);
    const attempts = await db().operationRunAttempt.findMany({ where: { runId, stepKey: "provision_infra" } });
    expect(attempts.map((a) => a.outcome)).toEqual(["succeeded"]);
    // No job of this run was handed out a second time (expired and retried).
    const jobs = await db().$queryRawUnsafe<{ retry_count: number; state: string }[]>(
      `SELECT retry_count, state::text FROM pgboss.job WHERE name = 'operation-run' AND data->>'runId' = $1
       UNION ALL SELECT retry_count, state::text FROM pgboss.archive WHERE name = 'operation-run' AND data->>'runId' = $1`,
      runId,
    );
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((j) => j.retry_count > 0 || j.state === "failed")).toEqual([]);
    assertNoWorkerCrashed();
    await assertWorkspaceConsistent(owner.workspace.id);
    await assertNoRunStuckAnywhere();
  });
});
