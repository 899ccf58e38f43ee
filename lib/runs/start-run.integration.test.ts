// A run start writes what it knows instead of reading it back: a create with autoStart is one
// transaction; a start derives the lifecycle from the run it inserted, sends the workers'
// wake-up in its insert, and answers the session view without a second read. Here each of those
// is held to what reading back gives. Runs are executed by calling the worker's processRun
// directly, so nothing moves between a start and the checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding, getOnboarding } from "@/test/onboarding-fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { deriveLifecycle, DERIVED_FIELDS } from "@/lib/onboarding/lifecycle";
import { latestRuns } from "@/lib/onboarding/mutate-session";
import { processRun } from "./execute-run";
import { RUN_WAKE_UP, stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let listener: pg.Client;
const wakeUps: string[] = [];

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on("notification", (n) => wakeUps.push(n.payload ?? ""));
  await listener.query(`LISTEN ${RUN_WAKE_UP.channel}`);
});

afterAll(async () => {
  await listener.end();
  await stopQueue({ graceful: false });
});

/** The lifecycle as stored equals the one derived from the session's runs read back now. */
async function expectStoredLifecycleMatchesRuns(id: string) {
  const stored = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
  const runs = await db().$transaction((tx) => latestRuns(tx, id));
  const derived = deriveLifecycle(stored, runs);
  for (const field of DERIVED_FIELDS) expect(stored[field], field).toEqual(derived[field]);
  return stored;
}

/** The session a start answered equals what a GET answers right after (the time since the run was queued aside). */
async function expectAnsweredSessionMatchesGet(id: string, answered: Record<string, unknown>) {
  const strip = (b: Record<string, unknown>) => {
    const health = b.health as Record<string, unknown> | null;
    return { ...b, health: health && { ...health, silentForMs: 0 } };
  };
  expect(strip(answered)).toEqual(strip((await getOnboarding(owner.token, id)).body));
}

const post = (handler: typeof verify.POST, id: string, version: number) =>
  callRoute(handler, { method: "POST", url: "http://x", token: owner.token, params: { id }, body: { version } });

describe("a run start", () => {
  it("with autoStart: the onboarding and its first run commit together, with the workers' wake-up", async () => {
    const before = wakeUps.length;
    const created = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: { platformName: "One Commit", slug: `one-${Date.now()}`, tier: "starter", autoStart: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.onboardingId as string;
    expect(created.body.version).toBe(2);

    const stored = await expectStoredLifecycleMatchesRuns(id);
    expect(stored.lifecycleState).toBe("verifying");
    const run = await db().operationRun.findUniqueOrThrow({ where: { id: created.body.jobId } });
    expect(run).toMatchObject({ sessionId: id, kind: "verify_access", status: "queued" });
    const jobs = await db().$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM pgboss.job WHERE id = ${run.queueJobId}::uuid`;
    expect(jobs[0].n).toBe(1);
    // One transaction wrote the session (both versions), the run, its job and the audit rows.
    const writers = await db().$queryRaw<{ what: string; tx: string }[]>`
      SELECT 'session' AS what, xmin::text AS tx FROM "OnboardingSession" WHERE id = ${id}
      UNION ALL SELECT 'run', xmin::text FROM "OperationRun" WHERE id = ${run.id}
      UNION ALL SELECT 'job', xmin::text FROM pgboss.job WHERE id = ${run.queueJobId}::uuid
      UNION ALL SELECT "action", xmin::text FROM "AuditEvent" WHERE "targetId" IN (${id}, ${run.id})`;
    expect(writers.map((w) => w.what).sort()).toEqual(
      ["job", "onboarding.created", "run", "run.verify_access.queued", "run.verify_access.started", "session"].sort(),
    );
    expect(new Set(writers.map((w) => w.tx)).size).toBe(1);
    const audit = await db().auditEvent.findMany({ where: { targetId: id }, orderBy: { toVersion: "asc" } });
    expect(audit.map((e) => [e.action, e.fromVersion, e.toVersion])).toEqual([
      ["onboarding.created", null, 1],
      ["run.verify_access.started", 1, 2],
    ]);
    await waitFor("the wake-up", async () => wakeUps.length > before || null);
    expect(wakeUps.slice(before)).toContain(RUN_WAKE_UP.payload);
  });

  it("verification again after one finished: the lifecycle derived from the new run is the one its runs give", async () => {
    const { id, version } = await createOnboarding(owner.token, { simulation: { stepDelayMs: 0 } });
    const first = await post(verify.POST, id, version);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    await expectAnsweredSessionMatchesGet(id, first.body.session);
    await processRun(first.body.run.id);
    const verified = await expectStoredLifecycleMatchesRuns(id);
    expect(verified.lifecycleState).toBe("ready_for_bootstrap");

    const again = await post(verify.POST, id, verified.version);
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect((await expectStoredLifecycleMatchesRuns(id)).lifecycleState).toBe("verifying");
    await expectAnsweredSessionMatchesGet(id, again.body.session);
    expect(again.body.session.health).toMatchObject({ runId: again.body.run.id, status: "healthy", attempt: 1 });
  });

  it("bootstrap: the lifecycle, the seed steps and the answered session are what reading back gives", async () => {
    const { id, version } = await createOnboarding(owner.token, { simulation: { stepDelayMs: 0 } });
    await processRun((await post(verify.POST, id, version)).body.run.id);
    const ready = await db().onboardingSession.findUniqueOrThrow({ where: { id } });

    const started = await post(bootstrap.POST, id, ready.version);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const stored = await expectStoredLifecycleMatchesRuns(id);
    expect(stored.lifecycleState).toBe("bootstrapping");
    await expectAnsweredSessionMatchesGet(id, started.body.session);
    expect(started.body.session.actions.cancel.allowed).toBe(true);
    expect(started.body.session.health).toMatchObject({ status: "healthy", stepKey: "create_platform" });

    // A repeated start answers the active run (200), read back as before.
    const repeated = await post(bootstrap.POST, id, ready.version);
    expect(repeated.status).toBe(200);
    expect(repeated.body.run.id).toBe(started.body.run.id);
    await expectAnsweredSessionMatchesGet(id, repeated.body.session);

    await processRun(started.body.run.id);
    expect((await expectStoredLifecycleMatchesRuns(id)).lifecycleState).toBe("ready_for_activation");
  });

  it("a bootstrap's end derives the lifecycle from the run as the worker ended it: failed, with its step's error", async () => {
    const { id, version } = await createOnboarding(owner.token, {
      simulation: { stepDelayMs: 0, failStep: "setup_repo" },
    });
    await processRun((await post(verify.POST, id, version)).body.run.id);
    const ready = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    await processRun((await post(bootstrap.POST, id, ready.version)).body.run.id);
    const failed = await expectStoredLifecycleMatchesRuns(id);
    expect(failed).toMatchObject({ lifecycleState: "bootstrap_failed", reasonCode: "step_failed:setup_repo" });
    expect((failed.steps as { status: string }[]).map((s) => s.status)).toEqual([
      "completed",
      "completed",
      "failed",
      "skipped",
      "skipped",
    ]);
  });
});
