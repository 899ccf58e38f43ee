// A bootstrap's step progress against PostgreSQL and a real worker: it shows in the session's
// seed `steps` and its ETag as it happens, but it is not a new version — an operator saving
// answers meanwhile, based on the version they read before the steps ran, gets no conflict, and
// the audit trail holds the operators' changes and the run's start and end, not every step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createWorkspaceWithMember } from "@/test/fixtures";
import { createOnboarding, getOnboarding, patchOnboarding, startRun } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { startWorker } from "./worker";
import { stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";
import { mutateSession } from "@/lib/onboarding/mutate-session";
import { sqlWrite } from "@/lib/db/sql";

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

const get = (id: string, headers: Record<string, string> = {}) => getOnboarding(owner.token, id, headers);
const patch = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  patchOnboarding(owner.token, id, body, headers);

/** A session whose access is verified, ready for bootstrap. */
async function verified(stepDelayMs: number): Promise<string> {
  const { id, version } = await createOnboarding(owner.token, { simulation: { stepDelayMs } });
  await startRun(verify.POST, owner.token, id, version);
  await waitFor("access verified", async () => (await get(id)).body.lifecycleState === "ready_for_bootstrap");
  return id;
}

async function startBootstrap(id: string) {
  return startRun(bootstrap.POST, owner.token, id, (await get(id)).body.version);
}

const completedSteps = (body: { steps: { status: string }[] }) => body.steps.filter((s) => s.status === "completed");

describe("a bootstrap's progress", () => {
  it("shows step by step without a new version; a draft save based on the version before it wins", async () => {
    const id = await verified(300);
    await startBootstrap(id);
    const before = await get(id);
    expect(before.body.lifecycleState).toBe("bootstrapping");
    const readVersion = before.body.version as number;
    const readEtag = before.headers.get("etag")!;

    const partway = await waitFor("two steps done", async () => {
      const r = await get(id);
      return completedSteps(r.body).length >= 2 ? r : null;
    });
    // Progress is visible: the seed steps moved, the ETag moved (If-None-Match with the old one
    // gets the new body), the version did not.
    expect(partway.body.version).toBe(readVersion);
    expect(partway.headers.get("etag")).not.toBe(readEtag);
    expect(partway.headers.get("etag")).toMatch(new RegExp(`^"${readVersion}\\.\\d+-owner"$`));
    expect((await get(id, { "if-none-match": readEtag })).status).toBe(200);
    expect((await get(id, { "if-none-match": partway.headers.get("etag")! })).status).toBe(304);

    // The operator's save, based on what they read before the steps ran: no conflict.
    const saved = await patch(id, { version: readVersion, draft: { notes: "written during the bootstrap" } });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(readVersion + 1);
    // If-Match with a GET's ETag that carries progress names the version too.
    const viaIfMatch = await patch(
      id,
      { draft: { notes: "again" } },
      { "if-match": (await get(id)).headers.get("etag")! },
    );
    expect(viaIfMatch.status).toBe(200);
    // A save based on a version that really is stale still conflicts.
    expect((await patch(id, { version: readVersion, draft: { notes: "stale" } })).status).toBe(409);

    const done = await waitFor("the bootstrap to finish", async () => {
      const r = await get(id);
      return r.body.lifecycleState === "ready_for_activation" ? r : null;
    });
    expect(completedSteps(done.body)).toHaveLength(5);
    expect(done.body.draft).toMatchObject({ notes: "again" });

    // Versions: created, verification started and ended, bootstrap started, two saves, bootstrap ended.
    const audit = await db().auditEvent.findMany({
      where: { targetType: "onboarding_session", targetId: id },
      orderBy: { toVersion: "asc" },
    });
    expect(audit.map((e) => e.action)).toEqual([
      "onboarding.created",
      "run.verify_access.started",
      "run.verify_access.succeeded",
      "run.bootstrap.started",
      "onboarding.updated",
      "onboarding.updated",
      "run.bootstrap.succeeded",
    ]);
    expect(audit.map((e) => e.toVersion)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(done.body.version).toBe(7);
    // The platform link arrived as progress too.
    expect(done.body.platformId).toBeTruthy();
  }, 60_000);

  it("loses no step and no save when saves race the steps of a fast bootstrap", async () => {
    // 40 ms a step: fast, but not faster than a save (with no delay the whole bootstrap can now
    // end before the first save is read, and nothing races).
    const id = await verified(40);
    await startBootstrap(id);
    let saves = 0;
    for (;;) {
      const r = await get(id);
      if (r.body.lifecycleState !== "bootstrapping") break;
      const saved = await patch(id, { version: r.body.version, draft: { saves: saves + 1 } });
      // The run's end is a new version (the lifecycle moves): the one conflict there may be.
      if (saved.status === 409 && saved.body.current.lifecycleState !== "bootstrapping") break;
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      saves++;
    }
    const final = await get(id);
    expect(final.body.lifecycleState).toBe("ready_for_activation");
    expect(completedSteps(final.body)).toHaveLength(5);
    expect(saves).toBeGreaterThan(0);
    expect(final.body.draft).toMatchObject({ saves });
    const run = await db().operationRun.findFirstOrThrow({ where: { sessionId: id, kind: "bootstrap" } });
    expect(run.outcome).toBe("succeeded");
  }, 60_000);

  it("applies a save again, unseen by the operator, when a step's progress lands between its read and its write", async () => {
    const id = await verified(0);
    const before = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    let calls = 0;
    const saved = await mutateSession({
      sessionId: id,
      expectedVersion: before.version,
      actor: { userId: owner.user.id, tokenId: null, label: "test" },
      action: "onboarding.updated",
      change: async (session) => {
        calls++;
        // The first time, a worker's progress write commits after our read (another connection).
        if (calls === 1)
          await sqlWrite(`UPDATE "OnboardingSession" SET "progress" = "progress" + 1 WHERE "id" = $1`, [id]);
        return { draft: { ...(session.draft as object), note: "kept" } };
      },
    });
    expect(calls).toBe(2);
    expect(saved.version).toBe(before.version + 1);
    expect(saved.progress).toBe(before.progress + 1);
    expect(saved.draft).toMatchObject({ note: "kept" });
  });
});
