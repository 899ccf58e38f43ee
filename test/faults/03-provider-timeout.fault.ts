// Fault 3: a provider call that outlives STEP_TIMEOUT_MS. The step is aborted and retried as a
// transient error with exponential backoff, then fails the run with `step_failed:<step>` and
// error code `step_timeout` once its attempts are used up; the session shows bootstrap_failed;
// a resume with a fast provider finishes, re-running only that step.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  assertNoWorkerCrashed,
  assertWorkspaceConsistent,
  createOnboarding,
  getOnboarding,
  Recorder,
  scratchWorkspace,
  seconds,
  sessionAction,
  spawnWorker,
  uniqueSlug,
  waitFor,
} from "./harness";

const STEP_TIMEOUT_MS = 500;
const RETRY_BASE_MS = 300;
const MAX_ATTEMPTS = 4;
const SLOW_DELAY_MS = 2_000;

let owner: Member;
const rec = new Recorder();
scratchWorkspace("timeout", (ctx) => (owner = ctx.owner));

const finished = (runId: string, timeoutMs: number) =>
  waitFor(
    `run ${runId} to complete`,
    async () => {
      assertNoWorkerCrashed();
      const run = await db().operationRun.findUnique({
        where: { id: runId },
        include: { steps: { orderBy: { position: "asc" } } },
      });
      return run?.status === "completed" ? run : null;
    },
    { timeoutMs, intervalMs: 100 },
  );

describe("fault: a provider call that times out", () => {
  it("retries the step with backoff, fails it as step_timeout, and a resume finishes", async () => {
    const worker = spawnWorker("T", {
      STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS),
      STEP_RETRY_BASE_MS: String(RETRY_BASE_MS),
      STEP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WORKER_CONCURRENCY: "2",
    });
    await worker.ready;

    const slug = uniqueSlug("slow");
    const created = await createOnboarding(rec, owner.token, {
      platformName: "Slow Provider",
      slug,
      tier: "scale",
      simulation: { stepDelayMs: 20 },
    });
    expect(created.status).toBe(202);
    const id = created.body.onboardingId as string;
    const v = await sessionAction(rec, owner.token, id, "verify-access", created.body.version);
    expect(v.status).toBe(202);
    expect((await finished(v.body.run.id, 30_000)).outcome).toBe("succeeded");

    // From here on every simulated provider call takes longer than the step timeout.
    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: SLOW_DELAY_MS } } });
    const b = await sessionAction(rec, owner.token, id, "bootstrap");
    expect(b.status).toBe(202);
    const runId = b.body.run.id as string;
    const started = Date.now();
    const failed = await finished(runId, 60_000);
    const failedAfter = Date.now() - started;

    expect(failed.outcome).toBe("failed");
    expect(failed.reasonCode).toBe("step_failed:provision_infra");
    expect(failed.steps.map((s) => [s.key, s.status, s.attempts, s.errorCode])).toEqual([
      ["create_platform", "succeeded", 1, null],
      ["provision_infra", "failed", MAX_ATTEMPTS, "step_timeout"],
      ["setup_repo", "skipped", 0, null],
      ["deploy_services", "skipped", 0, null],
      ["verify", "skipped", 0, null],
    ]);

    // The log tells the story: one line per attempt, "retrying" after each but the last.
    const logs = await db().operationRunLog.findMany({
      where: { runId, stepKey: "provision_infra" },
      orderBy: { id: "asc" },
    });
    const attemptLines = logs.filter((l) => /: attempt \d+$/.test(l.message));
    // "— retrying in 0.5 s": the wait is said, so an operator can tell slow from stuck.
    const retryLines = logs.filter((l) => /step_timeout: .* — retrying in [\d.]+ s$/.test(l.message));
    const finalLine = logs.filter((l) => /step_timeout: /.test(l.message) && !/ — retrying in /.test(l.message));
    expect(attemptLines.map((l) => l.message.replace(/.*: /, ""))).toEqual(
      Array.from({ length: MAX_ATTEMPTS }, (_, i) => `attempt ${i + 1}`),
    );
    expect(retryLines).toHaveLength(MAX_ATTEMPTS - 1);
    expect(retryLines.every((l) => l.level === "warn")).toBe(true);
    expect(finalLine.map((l) => l.level)).toEqual(["error"]);

    // Each attempt is cut at the timeout, and the waits between attempts double.
    const gaps = attemptLines.slice(1).map((l, i) => +l.at - +attemptLines[i].at);
    gaps.forEach((gap, i) => {
      const expected = STEP_TIMEOUT_MS + RETRY_BASE_MS * 2 ** i;
      expect(gap, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(expected - 50);
      expect(gap, `gap before attempt ${i + 2}`).toBeLessThan(expected + 1_500);
    });
    // Aborted, not waited out: the whole run took far less than MAX_ATTEMPTS × SLOW_DELAY_MS.
    expect(failedAfter).toBeLessThan(MAX_ATTEMPTS * SLOW_DELAY_MS);

    const s = await getOnboarding(rec, owner.token, id);
    expect(s.body).toMatchObject({
      status: "failed",
      lifecycleState: "bootstrap_failed",
      reasonCode: "step_failed:provision_infra",
    });
    expect(s.body.steps[1]).toMatchObject({
      key: "provision_infra",
      status: "failed",
      result: { error: { code: "step_timeout" } },
    });
    // Nothing was provisioned by the aborted calls.
    expect(await db().simulatedResource.count({ where: { workspaceId: owner.workspace.id } })).toBe(0);

    // The provider is fast again: resume continues at provision_infra.
    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 20 } } });
    const r = await sessionAction(rec, owner.token, id, "resume");
    expect(r.status).toBe(202);
    expect(r.body.run.id).toBe(runId);
    const resumed = await finished(runId, 30_000);
    expect(resumed.outcome).toBe("succeeded");
    expect(resumed.attempt).toBe(2);
    expect(resumed.steps.map((s) => [s.key, s.status])).toEqual(resumed.steps.map((s) => [s.key, "succeeded"]));
    // create_platform is not run again; provision_infra continues its count. (Later steps may
    // need a second attempt of their own if this machine stalls past the 500 ms timeout.)
    expect(resumed.steps[0].attempts).toBe(1);
    expect(resumed.steps[1].attempts).toBeGreaterThanOrEqual(MAX_ATTEMPTS + 1);
    const after = await getOnboarding(rec, owner.token, id);
    expect(after.body).toMatchObject({ status: "completed", lifecycleState: "ready_for_activation", reasonCode: null });

    console.log(
      `[fault:timeout] ${MAX_ATTEMPTS} attempts of ${STEP_TIMEOUT_MS} ms, gaps ${gaps.map((g) => `${g} ms`).join(" / ")}; ` +
        `run failed ${seconds(failedAfter)} after start; resume finished`,
    );
    assertNoWorkerCrashed();
    await assertWorkspaceConsistent(owner.workspace.id);
    await assertNoRunStuckAnywhere();
  });
});
