// Fault 1: `kill -9` of a worker process while several bootstraps are in flight. The other
// worker's sweep takes the killed one's runs over once their leases are stale (3 s) and queues
// them again; only the interrupted step runs again; nothing is created twice; nothing is stuck.
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
  spawnWorker,
  uniqueSlug,
  waitFor,
  waitForRunsToFinish,
  type WorkerProcess,
} from "./harness";

const RUNS = 5;
const STEP_DELAY_MS = 1500;

let owner: Member;
const rec = new Recorder();
scratchWorkspace("crash", (ctx) => (owner = ctx.owner));

describe("fault: kill -9 of a worker process mid-run", () => {
  it(`finishes all ${RUNS} in-flight bootstraps in the surviving worker, without duplicates`, async () => {
    const workers = [spawnWorker("A", { WORKER_CONCURRENCY: "3" }), spawnWorker("B", { WORKER_CONCURRENCY: "3" })];
    await Promise.all(workers.map((w) => w.ready));

    const created = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        createOnboarding(rec, owner.token, {
          platformName: `Crash ${i}`,
          slug: uniqueSlug("crash"),
          tier: "growth",
          simulation: { stepDelayMs: STEP_DELAY_MS },
        }),
      ),
    );
    expect(created.map((c) => c.status)).toEqual(Array(RUNS).fill(202));
    const ids = created.map((c) => c.body.onboardingId as string);

    const verifies = await Promise.all(
      ids.map((id, i) => sessionAction(rec, owner.token, id, "verify-access", created[i].body.version)),
    );
    expect(verifies.map((v) => v.status)).toEqual(Array(RUNS).fill(202));
    await waitForRunsToFinish(owner.workspace.id, 60_000, RUNS);

    const boots = await Promise.all(ids.map((id) => sessionAction(rec, owner.token, id, "bootstrap")));
    expect(boots.map((b) => b.status)).toEqual(Array(RUNS).fill(202));
    const runIds = boots.map((b) => b.body.run.id as string);

    // Mid-step, with runs spread over both workers: kill the one holding the most leases.
    const held = await waitFor(
      "at least 3 bootstraps leased and past create_platform",
      async () => {
        const runs = await db().operationRun.findMany({
          where: { id: { in: runIds } },
          include: { steps: { orderBy: { position: "asc" } } },
        });
        const leased = runs.filter(
          (r) => r.leaseOwner && r.steps.some((s) => s.status === "running" && s.key !== "create_platform"),
        );
        return leased.length >= 3 ? leased : null;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const byWorker = (w: WorkerProcess) => held.filter((r) => r.leaseOwner!.startsWith(`${w.pid}-`));
    const victim = [...workers].sort((a, b) => byWorker(b).length - byWorker(a).length)[0];
    const survivor = workers.find((w) => w !== victim)!;
    expect(byWorker(victim).length).toBeGreaterThan(0);

    killWorker(victim, "SIGKILL");
    const killedAt = Date.now();
    expect((await victim.exited).signal).toBe("SIGKILL");
    // The dead process's leases are frozen now (nobody may take them for 3 s): they are exactly
    // the runs it was executing, and a step of theirs still "running" was interrupted.
    const frozen = await db().operationRun.findMany({
      where: { id: { in: runIds }, leaseOwner: { startsWith: `${victim.pid}-` } },
      include: { steps: true },
    });
    const killedRuns = frozen.map((r) => ({
      id: r.id,
      lease: r.leaseOwner!,
      step: r.steps.find((s) => s.status === "running")?.key ?? null,
    }));
    expect(killedRuns.length).toBeGreaterThan(0);

    // Each of the victim's runs is taken over by the survivor (a new lease owner).
    const takeover = await Promise.all(
      killedRuns.map((k) =>
        waitFor(
          `run ${k.id} to be taken over`,
          async () => {
            const r = await db().operationRun.findUniqueOrThrow({ where: { id: k.id } });
            return (r.leaseOwner && r.leaseOwner !== k.lease) || r.status === "completed"
              ? Date.now() - killedAt
              : null;
          },
          { timeoutMs: 90_000, intervalMs: 250 },
        ),
      ),
    );
    const runs = await waitForRunsToFinish(owner.workspace.id, 60_000, RUNS * 2);
    const finishedAfter = Date.now() - killedAt;
    console.log(
      `[fault:crash] killed ${victim.name} holding ${killedRuns.length} run(s) (${killedRuns.map((k) => k.step ?? "between steps").join(", ")}); ` +
        `taken over after ${takeover.map(seconds).join(", ")}; all ${RUNS} bootstraps finished ${seconds(finishedAfter)} after the kill`,
    );

    assertNoWorkerCrashed();
    expect(survivor.child.exitCode).toBeNull();
    const bootstraps = runs.filter((r) => runIds.includes(r.id));
    expect(bootstraps.map((r) => r.outcome)).toEqual(Array(RUNS).fill("succeeded"));
    for (const run of bootstraps) {
      const killed = killedRuns.find((k) => k.id === run.id);
      for (const step of run.steps) {
        // Only the step that was running in the killed process runs twice.
        const expectedAttempts = killed && killed.step === step.key ? 2 : 1;
        expect(step.attempts, `${run.id}/${step.key}`).toBe(expectedAttempts);
      }
    }
    for (const id of ids) {
      const s = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
      expect(s.lifecycleState).toBe("ready_for_activation");
    }
    const report = await assertWorkspaceConsistent(owner.workspace.id);
    expect(report).toMatchObject({ sessions: RUNS, platforms: RUNS, resources: RUNS * 4 });
    await assertNoRunStuckAnywhere();
    // Takeover needs a stale lease (3 s) and a sweep (every 0.5 s), not an expired queue job.
    expect(Math.max(...takeover)).toBeLessThan(10_000);
  });
});
