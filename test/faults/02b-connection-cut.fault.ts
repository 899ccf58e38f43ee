// Fault 2b: database connections cut while the server stays up (a proxy or failover dropping
// them, an idle-session killer, an operator's pg_terminate_backend). For a few seconds every
// backend of the database is terminated every 100 ms while bootstraps run in two worker
// processes. A lost connection is a transient infrastructure error: the runs must still
// succeed, the workers must survive, nothing may be created twice.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/db/client";
import type { Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  assertWorkspaceConsistent,
  createOnboarding,
  formatCrash,
  Recorder,
  type ScratchDatabase,
  scratchWorkspace,
  seconds,
  sessionAction,
  sleep,
  spawnWorker,
  superviseWorkers,
  uniqueSlug,
  waitFor,
  waitForRunsToFinish,
} from "./harness";

const RUNS = 6;
const CUT_FOR_MS = 4_000;

let database: ScratchDatabase;
let owner: Member;
const rec = new Recorder();
scratchWorkspace("cut", (ctx) => ({ database, owner } = ctx));

describe("fault: database connections cut mid-run", () => {
  it(`finishes all ${RUNS} bootstraps while every connection is cut every 100 ms for ${CUT_FOR_MS / 1000} s`, async () => {
    const env = { WORKER_CONCURRENCY: "3" };
    const workers = [spawnWorker("A", env), spawnWorker("B", env)];
    await Promise.all(workers.map((w) => w.ready));
    const supervisor = superviseWorkers(workers, env);

    const created = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        createOnboarding(rec, owner.token, {
          platformName: `Cut ${i}`,
          slug: uniqueSlug("cut"),
          tier: "starter",
          simulation: { stepDelayMs: 100 },
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
      "bootstraps to be running",
      async () => (await db().operationRun.count({ where: { id: { in: runIds }, status: "running" } })) >= 3,
      {
        timeoutMs: 30_000,
        intervalMs: 50,
      },
    );

    // The cutter has its own connection and spares only itself.
    const cutter = new pg.Client({ connectionString: database.url });
    await cutter.connect();
    let cuts = 0;
    const until = Date.now() + CUT_FOR_MS;
    try {
      while (Date.now() < until) {
        const { rows } = await cutter.query<{ n: string }>(
          "select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
        );
        cuts += Number(rows[0].n);
        await sleep(100);
      }
    } finally {
      await cutter.end();
    }
    const cutEnded = Date.now();

    const runs = await waitForRunsToFinish(owner.workspace.id, 120_000, RUNS * 2);
    supervisor.stop();
    const bootstraps = runs.filter((r) => runIds.includes(r.id));
    console.log(
      `[fault:connection-cut] ${cuts} connections terminated over ${seconds(CUT_FOR_MS)}; runs finished ${seconds(Date.now() - cutEnded)} later; ` +
        `outcomes ${bootstraps.map((r) => r.outcome).join(",")}; worker crashes: ${supervisor.crashes.map((c) => c.name).join(", ") || "none"}`,
    );

    expect.soft(supervisor.crashes.map(formatCrash), "worker processes that crashed on a cut connection").toEqual([]);
    const failed = bootstraps.filter((r) => r.outcome !== "succeeded");
    expect(
      failed.map((r) => ({
        run: r.id,
        outcome: r.outcome,
        reasonCode: r.reasonCode,
        steps: r.steps
          .filter((s) => s.errorCode)
          .map((s) => `${s.key}: ${s.errorCode}: ${s.errorMessage?.replace(/\s+/g, " ").slice(0, 300)}`),
      })),
      "bootstraps failed by a lost database connection (a transient error)",
    ).toEqual([]);
    const report = await assertWorkspaceConsistent(owner.workspace.id);
    expect(report).toMatchObject({ sessions: RUNS, platforms: RUNS, resources: RUNS * 4 });
    await assertNoRunStuckAnywhere();
  });
});
