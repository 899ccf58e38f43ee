// create_platform against PostgreSQL: the platform record and the session's link are one
// statement fenced by the lease. Run twice (a crash before its success was recorded) it reuses
// the record and links once; a deprovisioned platform's slug is taken up again; a worker whose
// lease was taken over writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { processRun } from "./execute-run";
import { claim, LeaseLost } from "./lease";
import { STEP_HANDLERS, type StepContext } from "./steps";
import { providersFor } from "@/lib/providers/resolve-providers";
import { stopQueue } from "@/lib/queue/queue";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

const post = (handler: typeof verify.POST, id: string, version: number) =>
  callRoute(handler, { method: "POST", url: "http://x", token: owner.token, params: { id }, body: { version } });

/** An onboarding verified and with its bootstrap queued (not run); answers the session and run ids. */
async function bootstrapQueued(slug?: string) {
  const { id, version } = await createOnboarding(owner.token, {
    simulation: { stepDelayMs: 0 },
    ...(slug ? { slug } : {}),
  });
  await processRun((await post(verify.POST, id, version)).body.run.id);
  const ready = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
  const started = await post(bootstrap.POST, id, ready.version);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return { sessionId: id, runId: started.body.run.id as string };
}

/** Runs create_platform as a worker holding `workerId`'s lease would, on a fresh copy of the session. */
async function createPlatformAs(sessionId: string, lease: StepContext["lease"], run: StepContext["run"]) {
  const session = await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });
  const lines: string[] = [];
  const job = { platform: null, staged: null };
  const result = await STEP_HANDLERS.bootstrap.create_platform({
    run,
    session,
    step: (await db().operationRunStep.findFirstOrThrow({ where: { runId: run.id, key: "create_platform" } }))!,
    providers: await providersFor(session),
    ctx: {
      workspaceId: session.workspaceId,
      platformSlug: session.slug,
      platformName: session.platformName,
      tier: session.tier,
      signal: new AbortController().signal,
      log: (m) => lines.push(m),
    },
    lease,
    job,
  });
  return { result, lines, job, session };
}

const progressOf = async (id: string) => (await db().onboardingSession.findUniqueOrThrow({ where: { id } })).progress;

describe("create_platform", () => {
  it("creates and links the platform once; run again it reuses the record without a second link", async () => {
    const { sessionId, runId } = await bootstrapQueued();
    const claimed = (await claim(runId, "worker-a"))!;
    const before = await progressOf(sessionId);

    const first = await createPlatformAs(sessionId, claimed.lease, claimed.run);
    expect(first.result).toMatchObject({ alreadyExisted: false });
    const platformId = (first.result as { platformId: string }).platformId;
    const linked = await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(linked.platformId).toBe(platformId);
    expect(linked.progress).toBe(before + 1);
    expect(first.session.platformId).toBe(platformId); // the job's copy follows
    expect(first.job.platform).toMatchObject({ id: platformId, status: "provisioning" });
    expect(first.lines).toEqual([`Created platform record ${platformId}`]);

    const again = await createPlatformAs(sessionId, claimed.lease, claimed.run);
    expect(again.result).toEqual({ platformId, alreadyExisted: true });
    expect(again.lines).toEqual([`Platform record ${platformId} already exists; reusing it`]);
    expect(await progressOf(sessionId)).toBe(before + 1);
    expect(await db().platform.count({ where: { workspaceId: owner.workspace.id, slug: linked.slug } })).toBe(1);
  });

  it("takes up a deprovisioned platform's slug for a new onboarding", async () => {
    const first = await bootstrapQueued();
    const claimed = (await claim(first.runId, "worker-a"))!;
    const made = await createPlatformAs(first.sessionId, claimed.lease, claimed.run);
    const platformId = (made.result as { platformId: string }).platformId;
    // The first onboarding let go of it (deprovisioned, unlinked).
    await db().platform.update({ where: { id: platformId }, data: { status: "deprovisioned", tier: "starter" } });
    await db().onboardingSession.update({
      where: { id: first.sessionId },
      data: { platformId: null, activeSlug: null },
    });

    const second = await bootstrapQueued(made.session.slug);
    const secondClaim = (await claim(second.runId, "worker-b"))!;
    await db().onboardingSession.update({ where: { id: second.sessionId }, data: { tier: "scale" } });
    const reused = await createPlatformAs(second.sessionId, secondClaim.lease, secondClaim.run);
    expect(reused.result).toEqual({ platformId, alreadyExisted: true });
    expect(await db().platform.findUniqueOrThrow({ where: { id: platformId } })).toMatchObject({
      status: "provisioning",
      tier: "scale",
    });
    expect((await db().onboardingSession.findUniqueOrThrow({ where: { id: second.sessionId } })).platformId).toBe(
      platformId,
    );
  });

  it("writes nothing for a worker whose lease was taken over", async () => {
    const { sessionId, runId } = await bootstrapQueued();
    const stale = (await claim(runId, "worker-a"))!;
    // Another worker takes the run over (its lease went stale).
    await db().operationRun.update({ where: { id: runId }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await claim(runId, "worker-b")).not.toBeNull();
    const before = await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } });

    await expect(createPlatformAs(sessionId, stale.lease, stale.run)).rejects.toBeInstanceOf(LeaseLost);
    expect(await db().platform.count({ where: { workspaceId: owner.workspace.id, slug: before.slug } })).toBe(0);
    expect(await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      platformId: null,
      progress: before.progress,
    });
  });
});
