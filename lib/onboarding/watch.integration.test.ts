// GET /onboarding/:id/watch against PostgreSQL: the wizard's one poll answers 304 while nothing
// it shows changed, and a full answer (with only the new log lines) as soon as something did.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as watchRoute from "@/app/api/v1/onboarding/[id]/watch/route";
import { STALL_AFTER_MS } from "@/lib/runs/definitions";

let owner: Member;
let viewer: Member;
let stranger: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  viewer = await createWorkspaceWithMember("viewer", owner.workspace.id);
  stranger = await createWorkspaceWithMember("owner");
});

const watch = (token: string, id: string, opts: { etag?: string | null; logAfter?: string | null } = {}) =>
  callRoute(watchRoute.GET, {
    url: `http://localhost/api/v1/onboarding/${id}/watch${opts.logAfter ? `?logAfter=${encodeURIComponent(opts.logAfter)}` : ""}`,
    token,
    params: { id },
    headers: opts.etag ? { "if-none-match": opts.etag } : {},
  });

/** An onboarding with a running bootstrap (two steps, one log line), written as a worker would. */
async function watchedOnboarding() {
  const created = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "Watched", slug: uniqueId("w").toLowerCase(), tier: "starter" },
  });
  const id: string = created.body.onboardingId;
  const run = await db().operationRun.create({
    data: {
      workspaceId: owner.workspace.id,
      sessionId: id,
      kind: "bootstrap",
      status: "running",
      startedAt: new Date(),
      steps: {
        create: [
          {
            key: "create_platform",
            label: "Create platform",
            position: 0,
            status: "running",
            attempts: 1,
            startedAt: new Date(),
          },
          { key: "setup_repo", label: "Set up repository", position: 1 },
        ],
      },
      logs: { create: [{ level: "info", message: "Creating the platform", stepKey: "create_platform" }] },
    },
  });
  return { id, runId: run.id };
}

describe("GET /onboarding/:id/watch", () => {
  it("answers 304 while nothing changed, then only the new log lines", async () => {
    const { id, runId } = await watchedOnboarding();
    const first = await watch(owner.token, id);
    expect(first.status).toBe(200);
    expect(first.body.session.id).toBe(id);
    expect(first.body.runs.map((r: { id: string }) => r.id)).toEqual([runId]);
    expect(first.body.runs[0].steps.map((s: { status: string }) => s.status)).toEqual(["running", "pending"]);
    expect(first.body.log.runId).toBe(runId);
    expect(first.body.log.lines.map((l: { message: string }) => l.message)).toEqual(["Creating the platform"]);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"w[0-9a-f]{32}-owner"$/);

    const again = await watch(owner.token, id, { etag, logAfter: first.body.log.cursor });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    expect(again.headers.get("etag")).toBe(etag);

    await db().operationRunLog.create({
      data: { runId, level: "info", message: "Platform created", stepKey: "create_platform" },
    });
    const logged = await watch(owner.token, id, { etag, logAfter: first.body.log.cursor });
    expect(logged.status).toBe(200);
    expect(logged.body.log.lines.map((l: { message: string }) => l.message)).toEqual(["Platform created"]);
    expect(logged.headers.get("etag")).not.toBe(etag);

    // A step moving on (without a new log line) changes the answer too.
    await db().operationRunStep.updateMany({
      where: { runId, key: "create_platform" },
      data: { status: "succeeded", finishedAt: new Date() },
    });
    const stepped = await watch(owner.token, id, {
      etag: logged.headers.get("etag"),
      logAfter: logged.body.log.cursor,
    });
    expect(stepped.status).toBe(200);
    expect(stepped.body.runs[0].steps[0].status).toBe("succeeded");
    expect(stepped.body.log.lines).toEqual([]);

    // A notification for the caller moves the tag (the tab's bell does not poll while it watches).
    expect(stepped.body.notifications.latestAt).toBeNull();
    const stillSame = await watch(owner.token, id, {
      etag: stepped.headers.get("etag"),
      logAfter: stepped.body.log.cursor,
    });
    expect(stillSame.status).toBe(304);
    await db().notification.create({
      data: {
        workspaceId: owner.workspace.id,
        userId: owner.user.id,
        kind: "run_succeeded",
        title: "t",
        body: "b",
        href: "/runs/x",
      },
    });
    const notified = await watch(owner.token, id, {
      etag: stepped.headers.get("etag"),
      logAfter: stepped.body.log.cursor,
    });
    expect(notified.status).toBe(200);
    expect(notified.body.notifications.latestAt).not.toBeNull();
    expect(
      (await watch(viewer.token, id, { etag: notified.headers.get("etag")?.replace("-owner", "-viewer") })).status,
    ).toBe(200);

    // The run finishing: the last answer says so (the wizard stops polling on it).
    await db().operationRun.update({
      where: { id: runId },
      data: { status: "completed", outcome: "succeeded", finishedAt: new Date() },
    });
    const done = await watch(owner.token, id, { etag: stepped.headers.get("etag"), logAfter: stepped.body.log.cursor });
    expect(done.status).toBe(200);
    expect(done.body.runs[0].status).toBe("completed");
  });

  it("a new session version changes the tag; a cursor of another run starts that run's log over", async () => {
    const { id, runId } = await watchedOnboarding();
    const first = await watch(owner.token, id);
    // As a worker finishing a step does: a new version of the session.
    await db().onboardingSession.update({
      where: { id },
      data: { version: { increment: 1 }, platformName: "Watched, renamed" },
    });
    const after = await watch(owner.token, id, {
      etag: first.headers.get("etag"),
      logAfter: `other-run.${Number.MAX_SAFE_INTEGER}`,
    });
    expect(after.status).toBe(200);
    expect(after.body.session.platformName).toBe("Watched, renamed");
    expect(after.body.log.runId).toBe(runId);
    expect(after.body.log.lines).toHaveLength(1);
  });

  it("a heartbeat alone answers 304; a run going silent (stalled, derived from the clock) does not", async () => {
    const { id, runId } = await watchedOnboarding();
    await db().operationRun.update({ where: { id: runId }, data: { heartbeatAt: new Date(), leaseOwner: "w1" } });
    const first = await watch(owner.token, id);
    await db().operationRun.update({ where: { id: runId }, data: { heartbeatAt: new Date() } });
    const beat = await watch(owner.token, id, { etag: first.headers.get("etag"), logAfter: first.body.log.cursor });
    expect(beat.status).toBe(304);
    await db().operationRun.update({
      where: { id: runId },
      data: { heartbeatAt: new Date(Date.now() - STALL_AFTER_MS - 1_000) },
    });
    const silent = await watch(owner.token, id, { etag: first.headers.get("etag"), logAfter: first.body.log.cursor });
    expect(silent.status).toBe(200);
    expect(silent.body.session.health?.status).toBe("stalled");
  });

  it("tags by role, refuses a malformed cursor and hides other workspaces", async () => {
    const { id } = await watchedOnboarding();
    const asOwner = await watch(owner.token, id);
    const asViewer = await watch(viewer.token, id, { etag: asOwner.headers.get("etag") });
    expect(asViewer.status).toBe(200);
    expect(asViewer.headers.get("etag")).toMatch(/-viewer"$/);
    expect(asViewer.body.session.actions.bootstrap.allowed).toBe(false);

    const bad = await watch(owner.token, id, { logAfter: "not a cursor" });
    expect(bad.status).toBe(422);
    expect((await watch(stranger.token, id)).status).toBe(404);
  });
});
