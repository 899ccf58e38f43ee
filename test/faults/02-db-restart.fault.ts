// Fault 2: the database restarts (fast shutdown: every connection is cut) while bootstraps run
// in two worker processes. The workers must survive, reconnect, and finish every run; leases
// and queue jobs left hanging by the outage are taken over; nothing is created twice.
// Runs on a PostgreSQL server of its own (pg-server.ts), never the shared one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db/client";
import { getBoss, stopQueue } from "@/lib/queue/queue";
import { createWorkspaceWithMember, type Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  formatCrash,
  assertWorkspaceConsistent,
  createOnboarding,
  killAllWorkers,
  Recorder,
  seconds,
  sessionAction,
  spawnWorker,
  superviseWorkers,
  uniqueSlug,
  waitFor,
  waitForRunsToFinish,
} from "./harness";
import { startOwnServer, type OwnServer } from "./pg-server";

const RUNS = 5;
const STEP_DELAY_MS = 1500;
const DOWN_MS = 3000;

let server: OwnServer | undefined;
let owner: Member;
const rec = new Recorder();

beforeAll(async () => {
  server = await startOwnServer();
  process.env.DATABASE_URL = server.url;
  await applyMigrations(server.url);
  await getBoss(); // the queues exist before the workers start (see harness.openScratchDatabase)
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await killAllWorkers();
  await stopQueue({ graceful: false }).catch(() => undefined);
  await disconnectDb().catch(() => undefined);
  await server?.destroy();
});

describe("fault: database restart mid-run", () => {
  it(`finishes all ${RUNS} bootstraps after a fast restart of PostgreSQL, without duplicates`, async () => {
    const env = { DATABASE_URL: server!.url, WORKER_CONCURRENCY: "3" };
    const workers = [spawnWorker("A", env), spawnWorker("B", env)];
    await Promise.all(workers.map((w) => w.ready));
    // A worker that dies on the lost connection is restarted (as a process manager would) so
    // that the rest of the recovery is still exercised; the crash itself is reported below.
    const supervisor = superviseWorkers(workers, env);

    const created = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        createOnboarding(rec, owner.token, {
          platformName: `Restart ${i}`,
          slug: uniqueSlug("restart"),
          tier: "starter",
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
    await waitFor(
      "every bootstrap to be running a provider step",
      async () => {
        const running = await db().operationRunStep.count({
          where: { runId: { in: runIds }, status: "running", key: { not: "create_platform" } },
        });
        return running === RUNS;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const restartedAt = Date.now();
    const timing = await server!.restart(DOWN_MS);

    const runs = await waitForRunsToFinish(owner.workspace.id, 120_000, RUNS * 2);
    const finishedAfter = Date.now() - restartedAt;
    const bootstraps = runs.filter((r) => runIds.includes(r.id));
    const retried = bootstraps.flatMap((r) =>
      r.steps.filter((s) => s.attempts > 1).map((s) => `${s.key}×${s.attempts}`),
    );
    console.log(
      `[fault:db-restart] stop ${seconds(timing.stoppedInMs)}, down ${seconds(DOWN_MS)}, start ${seconds(timing.startedInMs)}; ` +
        `all ${RUNS} bootstraps finished ${seconds(finishedAfter)} after the restart began; outcomes ${bootstraps.map((r) => r.outcome).join(",")}; ` +
        `re-run steps: ${retried.join(", ") || "none"}; worker crashes: ${supervisor.crashes.map((c) => c.name).join(", ") || "none"}`,
    );

    supervisor.stop();
    // A worker that died on the lost connection is a finding: report each crash with its stack.
    expect
      .soft(supervisor.crashes.map(formatCrash), "worker processes that crashed on the database restart")
      .toEqual([]);
    const failed = bootstraps.filter((r) => r.outcome !== "succeeded");
    expect(
      failed.map((r) => ({
        run: r.id,
        outcome: r.outcome,
        reasonCode: r.reasonCode,
        steps: r.steps.filter((s) => s.errorCode).map((s) => `${s.key}: ${s.errorCode}: ${s.errorMessage}`),
      })),
      "bootstraps that did not survive the database restart",
    ).toEqual([]);
    for (const id of ids) {
      expect((await db().onboardingSession.findUniqueOrThrow({ where: { id } })).lifecycleState).toBe(
        "ready_for_activation",
      );
    }
    const report = await assertWorkspaceConsistent(owner.workspace.id);
    expect(report).toMatchObject({ sessions: RUNS, platforms: RUNS, resources: RUNS * 4 });
    await assertNoRunStuckAnywhere();
  });
});
