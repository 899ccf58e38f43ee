// Fault 8: the queue insert fails right after a run was committed (the database connection of
// the queue drops, its pool errors, …). startRun commits the OperationRun, then sends the
// pg-boss job in a second step; if that send fails the client gets a 5xx and retries — and the
// retry must not be answered with a run that nothing will ever execute.
// The failure is injected deterministically: a trigger on pg-boss' job table refuses inserts
// for the run queue while the first request is made, and is removed before the retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/db/client";
import { RUN_QUEUE } from "@/lib/queue/queue";
import { startWorker } from "@/lib/runs/worker";
import { createWorkspaceWithMember, type Member } from "@/test/fixtures";
import { createOnboarding, openScratchDatabase, Recorder, sessionAction, uniqueSlug, waitFor } from "./harness";

const HEALTHY_START_MS = 20_000;

let database: Awaited<ReturnType<typeof openScratchDatabase>>;
let owner: Member;
const rec = new Recorder({ retryServerErrors: false });

async function sql(text: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await openScratchDatabase("enqueue");
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await sql("drop trigger if exists fault_refuse_run_jobs on pgboss.job").catch(() => undefined);
  await database?.drop();
});

describe("fault: the queue insert fails after the run was committed", () => {
  it("does not leave a run that no worker will ever execute", async () => {
    const created = await createOnboarding(rec, owner.token, {
      platformName: "Lost Job",
      slug: uniqueSlug("lostjob"),
      tier: "starter",
      simulation: { stepDelayMs: 20 },
    });
    expect(created.status).toBe(202);
    const id = created.body.onboardingId as string;

    await sql(`
      create or replace function pgboss.fault_refuse_run_jobs() returns trigger language plpgsql as $$
      begin
        if new.name = '${RUN_QUEUE}' then raise exception 'injected fault: queue insert refused'; end if;
        return new;
      end $$;
      create trigger fault_refuse_run_jobs before insert on pgboss.job for each row execute function pgboss.fault_refuse_run_jobs();`);
    const first = await sessionAction(rec, owner.token, id, "verify-access", created.body.version);
    await sql("drop trigger fault_refuse_run_jobs on pgboss.job");

    // The request failed…
    expect(first.status).toBeGreaterThanOrEqual(500);
    // …but its run was committed, and the client's retry is answered with it.
    const runs = await db().operationRun.findMany({ where: { sessionId: id } });
    const retry = await sessionAction(rec, owner.token, id, "verify-access");
    console.log(
      `[fault:enqueue] first attempt ${first.status} ${first.body?.code}; runs after it: ${runs.map((r) => `${r.kind}:${r.status}`).join(", ") || "none"}; ` +
        `retry ${retry.status}${retry.body?.deduplicated ? " (deduplicated)" : ""}`,
    );
    expect([200, 202]).toContain(retry.status);
    const runId = retry.body.run.id as string;

    // A healthy queued run starts within a second or two; give it far more.
    const outcome = await waitFor(
      `run ${runId} to be executed`,
      async () => (await db().operationRun.findUniqueOrThrow({ where: { id: runId } })).status === "completed",
      { timeoutMs: HEALTHY_START_MS, intervalMs: 250 },
    ).then(
      () => "completed",
      async () => {
        const r = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
        const s = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
        const jobs = await db().$queryRaw<
          { n: bigint }[]
        >`select count(*) as n from pgboss.job where name = ${RUN_QUEUE} and data->>'runId' = ${runId}`;
        return `still ${r.status} after ${HEALTHY_START_MS / 1000} s (queue jobs for it: ${jobs[0].n}; session ${s.lifecycleState})`;
      },
    );
    expect(outcome, "the retried verification").toBe("completed");
  });
});
