// Run-end notifications, the workspace's run list and the verification assist's Re-check,
// against PostgreSQL with a real pg-boss worker and the simulated provider.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as recheck from "@/app/api/v1/onboarding/[id]/verify-access/recheck/route";
import * as simulation from "@/app/api/v1/onboarding/[id]/simulation/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as resume from "@/app/api/v1/onboarding/[id]/resume/route";
import * as notifications from "@/app/api/v1/notifications/route";
import * as markRead from "@/app/api/v1/notifications/read/route";
import * as runs from "@/app/api/v1/operation-runs/route";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import { notifyRunEndedInTx } from "./notify-run-ended";
import { waitFor } from "@/test/wait-for";

type Member = Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let owner: Member;
let colleague: Member;
let viewer: Member;
let outsider: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  colleague = await createWorkspaceWithMember("operator", owner.workspace.id);
  viewer = await createWorkspaceWithMember("viewer", owner.workspace.id);
  outsider = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 4 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

const slug = () => `n-${Math.random().toString(36).slice(2, 8)}`;

async function createSession(who: Member, sim: Record<string, unknown> = {}) {
  const res = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: who.token,
    body: { platformName: "Notify Test", slug: slug(), tier: "starter", simulation: { stepDelayMs: 20, ...sim } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.onboardingId as string;
}

async function session(id: string, who: Member = owner) {
  return (
    await callRoute(item.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding/${id}`,
      token: who.token,
      params: { id },
    })
  ).body;
}

type Route = Parameters<typeof callRoute>[0];
async function post(route: Route, id: string, who: Member, body: Record<string, unknown> = {}) {
  const current = await session(id, who);
  return callRoute(route, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/x`,
    token: who.token,
    params: { id },
    body: { version: current.version, ...body },
  });
}

const runFinished = (runId: string) =>
  waitFor(`run ${runId}`, async () => {
    const run = await db().operationRun.findUnique({
      where: { id: runId },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    return run?.status === "completed" ? run : null;
  });

const listFor = (who: Member, query = "") =>
  callRoute(notifications.GET, {
    method: "GET",
    url: `http://localhost/api/v1/notifications${query}`,
    token: who.token,
  });

describe("run-end notifications", () => {
  it("tells the token's owner, once, and nobody else in the workspace", async () => {
    const before = (await listFor(owner)).body.unreadCount as number;
    const id = await createSession(owner);
    const started = await post(verify.POST, id, owner);
    expect(started.status).toBe(202);
    const run = await runFinished(started.body.run.id);
    expect(run.outcome).toBe("succeeded");

    const rows = await db().notification.findMany({ where: { runId: run.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      userId: owner.user.id,
      kind: "run_succeeded",
      runAttempt: 1,
      href: `/runs/${run.id}`,
      readAt: null,
    });
    expect(rows[0].title).toBe("Verification succeeded — Notify Test");

    const mine = await listFor(owner);
    expect(mine.status).toBe(200);
    expect(mine.body.unreadCount).toBe(before + 1);
    expect(mine.body.items[0]).toMatchObject({ runId: run.id, read: false, href: `/runs/${run.id}` });
    // A colleague in the same workspace, and someone in another workspace, see nothing of it.
    expect((await listFor(colleague)).body.items.some((n: { runId: string }) => n.runId === run.id)).toBe(false);
    expect((await listFor(outsider)).body.items.some((n: { runId: string }) => n.runId === run.id)).toBe(false);

    // Marking someone else's notification read changes nothing.
    const stolen = await callRoute(markRead.POST, {
      method: "POST",
      url: "http://localhost/api/v1/notifications/read",
      token: colleague.token,
      body: { ids: [rows[0].id] },
    });
    expect(stolen.body.updated).toBe(0);
    expect((await db().notification.findUniqueOrThrow({ where: { id: rows[0].id } })).readAt).toBeNull();

    // The browser marks it read with its session cookie.
    const read = await callRoute(markRead.POST, {
      method: "POST",
      url: "http://localhost/api/v1/notifications/read",
      session: owner.user,
      body: { ids: [rows[0].id] },
    });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ updated: 1, unreadCount: before });
    expect((await listFor(owner, "?unread=true")).body.items.some((n: { runId: string }) => n.runId === run.id)).toBe(
      false,
    );
  });

  it("notifies a blocked verification, and each end of a resumed bootstrap", async () => {
    const blockedId = await createSession(owner, { failCheck: "template_repository" });
    const blocked = await runFinished((await post(verify.POST, blockedId, owner)).body.run.id);
    expect(blocked.outcome).toBe("blocked");
    expect(
      await db().notification.findMany({ where: { runId: blocked.id }, select: { kind: true, title: true } }),
    ).toEqual([{ kind: "run_blocked", title: "Verification needs action — Notify Test" }]);

    const id = await createSession(colleague, { failStep: "setup_repo", failTimes: 1 });
    expect((await runFinished((await post(verify.POST, id, colleague)).body.run.id)).outcome).toBe("succeeded");
    const failed = await runFinished((await post(bootstrap.POST, id, colleague)).body.run.id);
    expect(failed.outcome).toBe("failed");
    await post(resume.POST, id, colleague);
    const done = await waitFor("the resumed bootstrap", async () => {
      const r = await db().operationRun.findUniqueOrThrow({ where: { id: failed.id } });
      return r.status === "completed" && r.attempt === 2 ? r : null;
    });
    expect(done.outcome).toBe("succeeded");
    const ends = await db().notification.findMany({ where: { runId: failed.id }, orderBy: { runAttempt: "asc" } });
    expect(ends.map((n) => [n.userId, n.runAttempt, n.kind])).toEqual([
      [colleague.user.id, 1, "run_failed"],
      [colleague.user.id, 2, "run_succeeded"],
    ]);
    expect(ends[0].body).toBe("Reason: step_failed:setup_repo.");
  });

  it("writes one row however often the same run end is reported", async () => {
    const id = await createSession(owner);
    const run = await runFinished((await post(verify.POST, id, owner)).body.run.id);
    await db().$transaction((tx) => notifyRunEndedInTx(tx, run, "succeeded"));
    await Promise.all([1, 2, 3].map(() => db().$transaction((tx) => notifyRunEndedInTx(tx, run, "succeeded"))));
    expect(await db().notification.count({ where: { runId: run.id } })).toBe(1);
  });

  it("refuses a malformed mark-read", async () => {
    for (const body of [{}, { ids: [] }, { ids: ["a"], all: true }, { all: false }]) {
      const res = await callRoute(markRead.POST, {
        method: "POST",
        url: "http://localhost/api/v1/notifications/read",
        token: owner.token,
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const all = await callRoute(markRead.POST, {
      method: "POST",
      url: "http://localhost/api/v1/notifications/read",
      token: owner.token,
      body: { all: true },
    });
    expect(all.body.unreadCount).toBe(0);
  });
});

describe("GET /operation-runs", () => {
  it("lists the workspace's runs newest first, filters, and pages with a cursor", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const a = await createSession(ws);
    const b = await createSession(ws, { failCheck: "repo_token" });
    const ra = await runFinished((await post(verify.POST, a, ws)).body.run.id);
    const rb = await runFinished((await post(verify.POST, b, ws)).body.run.id);
    const rc = await runFinished((await post(bootstrap.POST, a, ws)).body.run.id);
    const list = (query: string, who: Member = ws) =>
      callRoute(runs.GET, { method: "GET", url: `http://localhost/api/v1/operation-runs${query}`, token: who.token });

    const all = await list("");
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual([rc.id, rb.id, ra.id]);
    expect(all.body.items[0]).toMatchObject({
      kind: "bootstrap",
      status: "completed",
      outcome: "succeeded",
      health: null,
      session: { id: a, platformName: "Notify Test" },
      initiator: { id: ws.user.id, email: ws.user.email },
    });
    expect(all.body.items[0].durationMs).toBeGreaterThanOrEqual(0);

    expect((await list("?kind=verify_access")).body.items.map((r: { id: string }) => r.id)).toEqual([rb.id, ra.id]);
    expect((await list("?outcome=blocked")).body.items.map((r: { id: string }) => r.id)).toEqual([rb.id]);
    expect((await list("?status=running")).body.items).toEqual([]);
    expect((await list(`?sessionId=${a}`)).body.items.map((r: { id: string }) => r.id)).toEqual([rc.id, ra.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([rc.id, rb.id, ra.id]);

    // Another workspace sees none of them; nonsense filters are refused.
    expect(
      (await list("", outsider)).body.items.some((r: { id: string }) => [ra.id, rb.id, rc.id].includes(r.id)),
    ).toBe(false);
    expect((await list("?kind=everything")).status).toBe(422);
    expect((await list("?cursor=nope")).status).toBe(422);
  });
});

describe("verification assist: Re-check", () => {
  it("re-runs one check and updates it in place; the other checks stay as they were", async () => {
    const id = await createSession(owner, { failCheck: "repo_create_permission" });
    const vr = await runFinished((await post(verify.POST, id, owner)).body.run.id);
    expect(vr.outcome).toBe("blocked");
    expect((await session(id)).lifecycleState).toBe("action_required");
    const before = (
      vr.report as { checks: { key: string; status: string; assist?: { owner: string; href: string } }[] }
    ).checks;
    const failed = before.find((c) => c.key === "repo_create_permission")!;
    expect(failed.status).toBe("fail");
    expect(failed.assist).toMatchObject({ owner: "provider_admin", href: "/api-docs" });
    expect(before.filter((c) => c.status === "pass").every((c) => c.assist === undefined)).toBe(true);

    // Still failing: a re-check reports the same failure and changes nothing else.
    const again = await post(recheck.POST, id, owner, { checkKey: "repo_create_permission" });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.run.kind).toBe("recheck_access");
    expect((await runFinished(again.body.run.id)).outcome).toBe("succeeded");
    expect((await session(id)).lifecycleState).toBe("action_required");

    // The fault is removed at the "provider"; the re-check turns that check green.
    const current = await session(id);
    const removed = await callRoute(simulation.PUT, {
      method: "PUT",
      url: "http://x",
      token: owner.token,
      params: { id },
      body: { version: current.version, simulation: { stepDelayMs: 20 } },
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const fixed = await post(recheck.POST, id, owner, { checkKey: "repo_create_permission" });
    expect(fixed.status).toBe(202);
    await runFinished(fixed.body.run.id);

    const after = await db().operationRun.findUniqueOrThrow({ where: { id: vr.id }, include: { steps: true } });
    const checks = (after.report as { checks: { key: string; status: string; message: string }[] }).checks;
    expect(checks.find((c) => c.key === "repo_create_permission")).toMatchObject({ status: "pass" });
    expect(checks.filter((c) => c.key !== "repo_create_permission")).toEqual(
      before.filter((c) => c.key !== "repo_create_permission"),
    );
    expect(after.outcome).toBe("succeeded");
    const stepChecks = after.steps.flatMap(
      (s) => (s.result as { checks?: { key: string; status: string }[] }).checks ?? [],
    );
    expect(stepChecks.find((c) => c.key === "repo_create_permission")?.status).toBe("pass");
    const s = await session(id);
    expect(s).toMatchObject({ lifecycleState: "ready_for_bootstrap", blockingReasonCode: null });
    expect(s.actions.bootstrap.allowed).toBe(true);

    const audit = await db().auditEvent.findMany({
      where: { targetId: fixed.body.run.id },
      select: { action: true, actorUserId: true },
    });
    expect(audit).toEqual([{ action: "run.recheck_access.queued", actorUserId: owner.user.id }]);
    expect(await db().notification.count({ where: { runId: fixed.body.run.id, userId: owner.user.id } })).toBe(1);
  });

  it("refuses an unknown check, a viewer, and a re-check once bootstrap has started", async () => {
    const id = await createSession(owner);
    await runFinished((await post(verify.POST, id, owner)).body.run.id);
    const unknown = await post(recheck.POST, id, owner, { checkKey: "no_such_check" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("checkKey");
    const byViewer = await post(recheck.POST, id, viewer, { checkKey: "repo_token" });
    expect(byViewer.status).toBe(403);
    const byOutsider = await callRoute(recheck.POST, {
      method: "POST",
      url: "http://x",
      token: outsider.token,
      params: { id },
      body: { version: 1, checkKey: "repo_token" },
    });
    expect(byOutsider.status).toBe(404);
    await runFinished((await post(bootstrap.POST, id, owner)).body.run.id);
    const late = await post(recheck.POST, id, owner, { checkKey: "repo_token" });
    expect(late.status).toBe(409);
    expect(late.body.reasonCode).toBe("nothing_to_recheck");
    expect(await db().operationRun.count({ where: { sessionId: id, kind: "recheck_access" } })).toBe(0);
  });

  it("refuses a stale or invalid change of the failure injection", async () => {
    const id = await createSession(owner);
    const stale = await callRoute(simulation.PUT, {
      method: "PUT",
      url: "http://x",
      token: owner.token,
      params: { id },
      body: { version: 1_000, simulation: null },
    });
    expect(stale.status).toBe(409);
    const bad = await callRoute(simulation.PUT, {
      method: "PUT",
      url: "http://x",
      token: owner.token,
      params: { id },
      body: { version: 1, simulation: { failStep: "nope" } },
    });
    expect(bad.status).toBe(422);
  });
});
