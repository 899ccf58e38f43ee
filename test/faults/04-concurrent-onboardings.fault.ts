// Load 4: 100 onboardings created at once (plus a few racing duplicates of their slugs), then
// verified and bootstrapped at once by an in-process worker and two worker processes. Every
// duplicate is refused with 409 and leaves nothing behind; every onboarding reaches
// ready_for_activation with exactly one platform and one of each resource; the audit trail of
// each session has exactly the events its lifecycle implies; no run is left queued or running.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startWorker } from "@/lib/runs/worker";
import { type CallResult, type Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  assertNoWorkerCrashed,
  assertWorkspaceConsistent,
  createOnboarding,
  Recorder,
  scratchWorkspace,
  seconds,
  sessionAction,
  sleep,
  spawnWorker,
  uniqueSlug,
  waitFor,
} from "./harness";

const N = 100;
const DUPLICATES = 5;

let owner: Member;
const rec = new Recorder({ retryServerErrors: false });
scratchWorkspace("load", (ctx) => (owner = ctx.owner));

/** Waits until `count` runs of `kind` exist in the workspace and all have completed. */
async function allFinished(kind: "verify_access" | "bootstrap", count: number, timeoutMs: number) {
  return waitFor(
    `${count} ${kind} runs to complete`,
    async () => {
      assertNoWorkerCrashed();
      const open = await db().operationRun.count({
        where: { workspaceId: owner.workspace.id, kind, status: { not: "completed" } },
      });
      const done = await db().operationRun.count({
        where: { workspaceId: owner.workspace.id, kind, status: "completed" },
      });
      return open === 0 && done === count;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** Answers 5xx while the burst lasts (the request is retried, as an HTTP client would). */
const serverErrors: { phase: string; status: number; code: string; detail: string; retryAfter: string | null }[] = [];

async function retrying(phase: string, fn: () => Promise<CallResult>): Promise<CallResult> {
  for (let attempt = 1; ; attempt++) {
    const res = await fn();
    if (res.status < 500 || attempt === 6) return res;
    const retryAfter = res.headers.get("retry-after");
    serverErrors.push({ phase, status: res.status, code: res.body?.code, detail: res.body?.detail, retryAfter });
    // As a well-behaved client: wait what the server asked for, with jitter.
    await sleep((retryAfter ? Number(retryAfter) * 1000 : 300 * attempt) + Math.random() * 300);
  }
}

describe(`load: ${N} concurrent onboardings`, () => {
  it("creates, verifies and bootstraps them all at once, exactly once each", async () => {
    const workers = [spawnWorker("A", { WORKER_CONCURRENCY: "4" }), spawnWorker("B", { WORKER_CONCURRENCY: "4" })];
    await Promise.all(workers.map((w) => w.ready));
    await startWorker({ concurrency: 2 });

    const slugs = Array.from({ length: N }, () => uniqueSlug("load"));
    const requests = [
      ...slugs.map((slug, i) => ({ slug, platformName: `Load ${i}` })),
      ...slugs.slice(0, DUPLICATES).map((slug, i) => ({ slug, platformName: `Duplicate ${i}` })),
    ];
    const t0 = Date.now();
    const created = await Promise.all(
      requests.map((r) =>
        retrying("create", () =>
          createOnboarding(rec, owner.token, { ...r, tier: "starter", simulation: { stepDelayMs: 0 } }),
        ),
      ),
    );
    const createMs = Date.now() - t0;

    // Per slug: exactly one 202; every racing duplicate a 409 slug_taken.
    for (const slug of slugs) {
      const answers = created.filter((_, i) => requests[i].slug === slug);
      expect(
        answers.filter((a) => a.status === 202),
        slug,
      ).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 202))
        expect([a.status, a.body.code]).toEqual([409, "slug_taken"]);
    }
    expect(created.filter((c) => c.status === 409)).toHaveLength(DUPLICATES);
    expect(await db().onboardingSession.count({ where: { workspaceId: owner.workspace.id } })).toBe(N);
    expect(
      await db().auditEvent.count({ where: { workspaceId: owner.workspace.id, action: "onboarding.created" } }),
    ).toBe(N);
    const ids = created.filter((c) => c.status === 202).map((c) => ({ id: c.body.onboardingId as string }));

    const t1 = Date.now();
    const verifies = await Promise.all(
      ids.map(({ id }) => retrying("verify-access", () => sessionAction(rec, owner.token, id, "verify-access"))),
    );
    expect(verifies.filter((v) => v.status !== 202).map((v) => [v.status, v.body])).toEqual([]);
    await allFinished("verify_access", N, 90_000);
    const verifyMs = Date.now() - t1;
    // A verification must not fail for want of a database connection (the in-process worker
    // shares its pool with the burst): report such runs with their step errors.
    const failedVerifications = await db().operationRun.findMany({
      where: { workspaceId: owner.workspace.id, kind: "verify_access", outcome: { not: "succeeded" } },
      include: { steps: true },
    });
    expect(
      failedVerifications.map(
        (r) =>
          `${r.id} ${r.outcome} ${r.reasonCode}: ${r.steps
            .filter((x) => x.errorCode)
            .map((x) => `${x.key} ${x.errorCode}: ${x.errorMessage?.replace(/\s+/g, " ").slice(0, 160)}`)
            .join("; ")}`,
      ),
      "verifications that failed under the burst",
    ).toEqual([]);

    const t2 = Date.now();
    const boots = await Promise.all(
      ids.map(({ id }) => retrying("bootstrap", () => sessionAction(rec, owner.token, id, "bootstrap"))),
    );
    expect(boots.filter((b) => b.status !== 202).map((b) => [b.status, b.body])).toEqual([]);
    await allFinished("bootstrap", N, 150_000);
    const bootstrapMs = Date.now() - t2;

    const runs = await db().operationRun.findMany({
      where: { workspaceId: owner.workspace.id },
      include: { steps: true },
    });
    expect(runs.filter((r) => r.outcome !== "succeeded").map((r) => [r.id, r.kind, r.outcome, r.reasonCode])).toEqual(
      [],
    );
    // With no faults, no step ran twice.
    expect(
      runs.flatMap((r) => r.steps.filter((s) => s.attempts !== 1).map((s) => `${r.kind}/${s.key}×${s.attempts}`)),
    ).toEqual([]);

    const sessions = await db().onboardingSession.findMany({ where: { workspaceId: owner.workspace.id } });
    expect(
      sessions.filter((s) => s.lifecycleState !== "ready_for_activation").map((s) => [s.slug, s.lifecycleState]),
    ).toEqual([]);
    expect(await db().platform.count({ where: { workspaceId: owner.workspace.id } })).toBe(N);
    expect(await db().simulatedResource.count({ where: { workspaceId: owner.workspace.id } })).toBe(N * 4);
    for (const i of Array.from({ length: DUPLICATES }, (_, k) => k)) {
      const s = sessions.find((x) => x.slug === slugs[i])!;
      // The one created is whichever request won the race, and it is the only one.
      expect(s.platformName === `Load ${i}` || s.platformName === `Duplicate ${i}`).toBe(true);
    }

    // The exact audit trail of a clean onboarding: 5 session events (a step's progress is not a
    // new version), 2 run events.
    const expectedActions = [
      "onboarding.created",
      "run.verify_access.started",
      "run.verify_access.succeeded",
      "run.bootstrap.started",
      "run.bootstrap.succeeded",
    ].sort();
    const audit = await db().auditEvent.findMany({
      where: { workspaceId: owner.workspace.id },
      orderBy: { toVersion: "asc" },
    });
    for (const s of sessions) {
      const mine = audit.filter((e) => e.targetType === "onboarding_session" && e.targetId === s.id);
      expect(mine.map((e) => e.action).sort(), s.slug).toEqual(expectedActions);
      expect(s.version).toBe(expectedActions.length);
      const runIds = runs.filter((r) => r.sessionId === s.id).map((r) => r.id);
      expect(
        audit
          .filter((e) => e.targetType === "operation_run" && runIds.includes(e.targetId))
          .map((e) => e.action)
          .sort(),
      ).toEqual(["run.bootstrap.queued", "run.verify_access.queued"]);
    }
    expect(audit).toHaveLength(N * (expectedActions.length + 2));

    const report = await assertWorkspaceConsistent(owner.workspace.id);
    expect(report).toMatchObject({ sessions: N, platforms: N, resources: N * 4 });
    await assertNoRunStuckAnywhere();
    assertNoWorkerCrashed();
    const counts = new Map<string, number>();
    for (const e of serverErrors)
      counts.set(`${e.phase} ${e.status} ${e.code}`, (counts.get(`${e.phase} ${e.status} ${e.code}`) ?? 0) + 1);
    const byPhase = [...counts].map(([k, n]) => `${k} ×${n}`);
    console.log(
      `[fault:load] 5xx answers during the burst (retried): ${byPhase.join(", ") || "none"}; ` +
        ` ${requests.length} creates in ${seconds(createMs)} (${DUPLICATES} duplicates → 409), ` +
        `${N} verifications in ${seconds(verifyMs)}, ${N} bootstraps in ${seconds(bootstrapMs)}; ${report.auditEvents} session audit events`,
    );
    // A burst must be queued or refused with a retryable 503 (Retry-After), never answered 500…
    expect(
      serverErrors
        .filter((e) => e.status !== 503 || e.code !== "service_unavailable" || !e.retryAfter)
        .map((e) => `${e.phase}: ${e.status} ${e.code} — ${e.detail}`),
      "5xx answers to the burst other than 503 + Retry-After",
    ).toEqual([]);
    // …and shedding stays the exception: most of the burst is simply queued and served.
    expect(serverErrors.length, "503s during the burst").toBeLessThanOrEqual((requests.length + 2 * N) / 10);
  }, 270_000);
});
