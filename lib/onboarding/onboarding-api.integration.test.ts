// Over 400 lines on purpose: the onboarding API's contract, one scenario per rule.
// The onboarding API over HTTP handlers against a real PostgreSQL: seed shapes, versioned
// writes, access rules, idempotency, validation and audit.
import { beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as audit from "@/app/api/v1/onboarding/[id]/audit/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as me from "@/app/api/v1/me/route";

const uniq = () => Math.random().toString(36).slice(2, 8);
const newSlug = () => `p-${uniq()}`;

type Member = Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let owner: Member;
let other: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  other = await createWorkspaceWithMember("owner");
});

async function create(token: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token,
    headers,
    body: { platformName: "Acme Cloud", slug: newSlug(), tier: "starter", ...body },
  });
}

const get = (token: string, id: string, headers: Record<string, string> = {}) =>
  callRoute(item.GET, {
    method: "GET",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
    headers,
  });

const patch = (token: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  callRoute(item.PATCH, {
    method: "PATCH",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
    body,
    headers,
  });

describe("POST /api/v1/onboarding", () => {
  it("answers 202 with exactly the seed's response plus version", async () => {
    const res = await create(owner.token);
    expect(res.status).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual(["jobId", "onboardingId", "status", "steps", "version"]);
    expect(res.body).toMatchObject({ status: "pending", version: 1, jobId: null });
    expect(res.body.steps).toEqual([
      { key: "create_platform", status: "pending", label: "Create platform" },
      { key: "provision_infra", status: "pending", label: "Provision infrastructure" },
      { key: "setup_repo", status: "pending", label: "Set up repository" },
      { key: "deploy_services", status: "pending", label: "Deploy services" },
      { key: "verify", status: "pending", label: "Verify deployment" },
    ]);
    expect(res.headers.get("location")).toBe(`/api/v1/onboarding/${res.body.onboardingId}`);
    expect(Object.keys(res.body.steps[0])).toEqual(["key", "status", "label"]);
  });

  it("refuses a duplicate slug in the same workspace with 409 and allows it in another", async () => {
    const slug = newSlug();
    expect((await create(owner.token, { slug })).status).toBe(202);
    const dup = await create(owner.token, { slug });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("slug_taken");
    expect(dup.headers.get("content-type")).toContain("application/problem+json");
    expect((await create(other.token, { slug })).status).toBe(202);
  });

  it("replays an Idempotency-Key and refuses the same key with another body", async () => {
    const key = `key-${uniq()}`;
    const slug = newSlug();
    const first = await create(owner.token, { slug }, { "idempotency-key": key });
    const again = await create(owner.token, { slug }, { "idempotency-key": key });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await db().onboardingSession.count({ where: { slug, workspaceId: owner.workspace.id } })).toBe(1);
    const other = await create(owner.token, { slug: newSlug() }, { "idempotency-key": key });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("idempotency_key_reused");
  });

  it("validates every field with per-field problems and writes nothing", async () => {
    const before = await db().onboardingSession.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ platformName: "" }, "platformName"],
      [{ platformName: "x".repeat(121) }, "platformName"],
      [{ platformName: 42 }, "platformName"],
      [{ slug: "Not A Slug" }, "slug"],
      [{ slug: "ab" }, "slug"],
      [{ slug: "-bad" }, "slug"],
      [{ tier: "platinum" }, "tier"],
      [{ stackTemplateId: "bad template!" }, "stackTemplateId"],
      [{ userId: "someone-else" }, "userId"],
      [{ simulation: { failStep: "nope" } }, "simulation.failStep"],
      [{ simulation: { stepDelayMs: -1 } }, "simulation.stepDelayMs"],
      [{ unexpected: true }, "(body)"],
      [{ platformName: "nul\u0000byte" }, "platformName"],
    ];
    for (const [body, field] of cases) {
      const res = await create(owner.token, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const missing = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: {},
    });
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["platformName", "slug", "tier"]);
    expect(await db().onboardingSession.count()).toBe(before);
  });

  it("answers 400 for malformed JSON, 415 for another type and 413 for an oversized body", async () => {
    const send = (body: string, type = "application/json") =>
      collection.POST(
        new NextRequest("http://localhost/api/v1/onboarding", {
          method: "POST",
          headers: { authorization: `Bearer ${owner.token}`, "content-type": type },
          body,
        }),
        { params: Promise.resolve({}) },
      );
    const malformed = await send("{ not json");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).code).toBe("malformed_json");
    expect((await send("a=b", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await send("")).status).toBe(400);
    const huge = await send(JSON.stringify({ platformName: "x".repeat(70_000) }));
    expect(huge.status).toBe(413);
    const text = await huge.text();
    expect(text).not.toMatch(/at .*\.ts/);
  });
});

describe("GET /api/v1/onboarding/:id", () => {
  it("returns the full session with an ETag and honours If-None-Match", async () => {
    const { body } = await create(owner.token);
    const res = await get(owner.token, body.onboardingId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: body.onboardingId,
      status: "pending",
      lifecycleState: "draft",
      currentCheckpoint: "connect",
      lastCompletedCheckpoint: "identify",
      reasonCode: null,
      blockingReasonCode: null,
      version: 1,
    });
    expect(res.body).not.toHaveProperty("activeSlug");
    // The ETag carries the caller's role: `actions` differ by role.
    expect(res.headers.get("etag")).toBe('"1-owner"');
    expect(res.body.actions.verifyAccess).toEqual({ allowed: true });
    expect(res.body.actions.bootstrap).toMatchObject({ allowed: false, reasonCode: "not_ready_for_bootstrap" });
    const cached = await get(owner.token, body.onboardingId, { "if-none-match": '"1-owner"' });
    expect(cached.status).toBe(304);
    await patch(owner.token, body.onboardingId, { version: 1, platformName: "Renamed" });
    expect((await get(owner.token, body.onboardingId, { "if-none-match": '"1-owner"' })).status).toBe(200);
  });
});

describe("PATCH /api/v1/onboarding/:id — versioned writes", () => {
  it("applies a write based on the current version and bumps it", async () => {
    const { body } = await create(owner.token);
    const res = await patch(owner.token, body.onboardingId, {
      version: 1,
      platformName: "New name",
      connectionId: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ platformName: "New name", version: 2, currentCheckpoint: "verify_access" });
    expect(res.headers.get("etag")).toBe('"2-owner"');
    expect(res.body.actions.saveDraft).toEqual({ allowed: true });
  });

  it("writes nothing for a save that changes nothing: same version, no audit event", async () => {
    const { body } = await create(owner.token, { platformName: "Same Name" });
    const id = body.onboardingId as string;
    const first = await patch(owner.token, id, { version: 1, connectionId: null });
    expect(first.body.version).toBe(2);
    // The form saved again untouched, and the same connection chosen again.
    const again = await patch(owner.token, id, { version: 2, platformName: "Same Name", connectionId: null });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 2, platformName: "Same Name" });
    expect(await db().auditEvent.count({ where: { targetId: id, targetType: "onboarding_session" } })).toBe(2);
    // A real change still bumps the version.
    expect((await patch(owner.token, id, { version: 2, platformName: "Other Name" })).body.version).toBe(3);
  });

  it("refuses stale versions (409 body, 412 If-Match) and a missing version (428), writing nothing", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    await patch(owner.token, id, { version: 1, platformName: "First" });
    const stale = await patch(owner.token, id, { version: 1, platformName: "Second" });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: "version_conflict",
      currentVersion: 2,
      current: { version: 2, lifecycleState: "draft" },
    });
    const staleHeader = await patch(owner.token, id, { platformName: "Third" }, { "if-match": '"1"' });
    expect(staleHeader.status).toBe(412);
    expect(staleHeader.body.code).toBe("precondition_failed");
    const none = await patch(owner.token, id, { platformName: "Fourth" });
    expect(none.status).toBe(428);
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ platformName: "First", version: 2 });
    const ok = await patch(owner.token, id, { platformName: "Fifth" }, { "if-match": '"2"' });
    expect(ok.status).toBe(200);
  });

  it("lets exactly one of N concurrent writes on one version win", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => patch(owner.token, id, { version: 1, platformName: `Writer ${i}` })),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(11);
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(row.version).toBe(2);
    expect(row.platformName).toBe(winners[0].body.platformName);
    expect(await db().auditEvent.count({ where: { targetId: id, action: "onboarding.updated" } })).toBe(1);
  });

  it("refuses illegal status transitions with a reason code", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    const jump = await patch(owner.token, id, { version: 1, status: "completed", provisionJobId: "job-1" });
    expect(jump.status).toBe(409);
    expect(jump.body).toMatchObject({ code: "illegal_transition", reasonCode: "illegal_status_transition" });
    const noJob = await patch(owner.token, id, { version: 1, status: "in_progress" });
    expect(noJob.body.reasonCode).toBe("executor_job_required");
    const progress = await patch(owner.token, id, {
      version: 1,
      status: "in_progress",
      provisionJobId: "job-1",
      steps: [{ key: "create_platform", status: "completed" }],
    });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({
      status: "in_progress",
      lifecycleState: "bootstrapping",
      provisionJobId: "job-1",
    });
    expect(progress.body.steps[0]).toMatchObject({
      key: "create_platform",
      status: "completed",
      label: "Create platform",
    });
    const failed = await patch(owner.token, id, {
      version: 2,
      status: "failed",
      steps: [{ key: "provision_infra", status: "failed", result: { error: "quota" } }],
    });
    expect(failed.body).toMatchObject({
      status: "failed",
      lifecycleState: "bootstrap_failed",
      reasonCode: "step_failed:provision_infra",
    });
    const edit = await patch(owner.token, id, { version: 3, slug: newSlug() });
    expect(edit.status).toBe(200); // no internal bootstrap run and no platform: identity still editable
  });

  it("accepts an action with If-Match and no body at all", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    const res = await cancel.POST(
      new NextRequest(`http://localhost/api/v1/onboarding/${id}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}`, "if-match": '"1"' },
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(res.status).toBe(200);
    expect((await res.json()).lifecycleState).toBe("cancelled");
  });

  it("refuses edits of a cancelled onboarding", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    const cancelled = await callRoute(cancel.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/cancel`,
      token: owner.token,
      params: { id },
      body: { version: 1, reason: "duplicate" },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", lifecycleState: "cancelled", version: 2 });
    const res = await patch(owner.token, id, { version: 2, platformName: "Late" });
    expect(res.body).toMatchObject({ code: "illegal_transition", reasonCode: "session_closed" });
    // The slug is free again once cancelled.
    expect(
      (await create(owner.token, { slug: (await db().onboardingSession.findUniqueOrThrow({ where: { id } })).slug }))
        .status,
    ).toBe(202);
  });
});

describe("access rules", () => {
  it("answers 401 without or with bad credentials", async () => {
    const anon = await callRoute(collection.GET, { method: "GET", url: "http://localhost/api/v1/onboarding" });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe("unauthenticated");
    const bad = await callRoute(collection.GET, {
      method: "GET",
      url: "http://localhost/api/v1/onboarding",
      token: "onr_not-a-real-token",
    });
    expect(bad.status).toBe(401);
  });

  it("denies as not found across workspaces, and 403 for a member lacking the capability", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    expect((await get(other.token, id)).status).toBe(404);
    expect((await patch(other.token, id, { version: 1, platformName: "x" })).status).toBe(404);

    const roles = ["owner", "admin", "operator", "viewer"] as const;
    const expectations = { owner: [200, 200], admin: [200, 200], operator: [200, 200], viewer: [200, 403] };
    let version = 1;
    for (const role of roles) {
      const member = await createWorkspaceWithMember(role, owner.workspace.id);
      const read = await get(member.token, id);
      const write = await patch(member.token, id, { version, platformName: `By ${role}` });
      expect([read.status, write.status], role).toEqual(expectations[role]);
      if (write.status === 200) version++;
      if (role === "viewer") expect(write.body.code).toBe("forbidden");
      // What the caller may do is answered for the caller, and cached per role.
      expect(read.body.actions.saveDraft.allowed, role).toBe(role !== "viewer");
      expect(read.body.actions.overrideActivate.reasonCode, role).toBe("not_ready_for_activation");
      expect(read.headers.get("etag"), role).toBe(`"${read.body.version}-${role}"`);
      if (role === "viewer") {
        expect(read.body.actions.verifyAccess).toEqual({
          allowed: false,
          reasonCode: "role_forbidden",
          message: "Your role (viewer) cannot start runs.",
        });
        expect((await get(member.token, id, { "if-none-match": `"${version}-owner"` })).status).toBe(200);
        expect((await get(member.token, id, { "if-none-match": `"${version}-viewer"` })).status).toBe(304);
      }
    }
    expect((await db().onboardingSession.findUniqueOrThrow({ where: { id } })).version).toBe(version);
  });

  it("refuses a cookie-authenticated write from another origin (CSRF) and accepts same-origin", async () => {
    const cookie = await encode({
      token: { sub: owner.user.id, email: owner.user.email },
      secret: process.env.NEXTAUTH_SECRET!,
    });
    const send = (origin?: string) =>
      collection.POST(
        new NextRequest("http://localhost/api/v1/onboarding", {
          method: "POST",
          headers: {
            cookie: `next-auth.session-token=${cookie}`,
            "content-type": "application/json",
            host: "localhost",
            ...(origin ? { origin } : {}),
          },
          body: JSON.stringify({ platformName: "Cookie", slug: newSlug(), tier: "growth" }),
        }),
        { params: Promise.resolve({}) },
      );
    const cross = await send("https://evil.example");
    expect(cross.status).toBe(403);
    expect((await cross.json()).code).toBe("csrf_failed");
    expect((await send()).status).toBe(403);
    expect((await send("http://localhost")).status).toBe(202);
  });

  it("GET /api/v1/me lists role and capabilities", async () => {
    const viewer = await createWorkspaceWithMember("viewer");
    const res = await callRoute(me.GET, { method: "GET", url: "http://localhost/api/v1/me", token: viewer.token });
    expect(res.body).toMatchObject({
      role: "viewer",
      capabilities: ["view", "audit"],
      user: { email: viewer.user.email },
    });
  });
});

describe("list and audit", () => {
  it("lists newest first with filters and cursor pagination, scoped to the workspace", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(ws.token, { platformName: `List ${i}` })).body.onboardingId);
    const page1 = await callRoute(collection.GET, {
      method: "GET",
      url: "http://localhost/api/v1/onboarding?limit=2",
      token: ws.token,
    });
    expect(page1.body.items.map((s: { id: string }) => s.id)).toEqual([ids[4], ids[3]]);
    const page2 = await callRoute(collection.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding?limit=2&cursor=${page1.body.nextCursor}`,
      token: ws.token,
    });
    expect(page2.body.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const page3 = await callRoute(collection.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding?limit=2&cursor=${page2.body.nextCursor}`,
      token: ws.token,
    });
    expect(page3.body.items.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    expect(page3.body.nextCursor).toBeNull();
    const filtered = await callRoute(collection.GET, {
      method: "GET",
      url: "http://localhost/api/v1/onboarding?status=completed",
      token: ws.token,
    });
    expect(filtered.body.items).toEqual([]);
    const badCursor = await callRoute(collection.GET, {
      method: "GET",
      url: "http://localhost/api/v1/onboarding?cursor=zzz",
      token: ws.token,
    });
    expect(badCursor.status).toBe(422);
  });

  it("records who, what, when and version from → to for every change", async () => {
    const { body } = await create(owner.token);
    const id = body.onboardingId;
    await patch(owner.token, id, { version: 1, platformName: "Audited", draft: { note: "hello" } });
    await callRoute(cancel.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/cancel`,
      token: owner.token,
      params: { id },
      body: { version: 2, reason: "test" },
    });
    const res = await callRoute(audit.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding/${id}/audit`,
      token: owner.token,
      params: { id },
    });
    expect(res.status).toBe(200);
    const items = res.body.items as {
      action: string;
      fromVersion: number | null;
      toVersion: number | null;
      actor: { label: string };
      reason: string | null;
      data: { changes?: Record<string, unknown> };
    }[];
    expect(items.map((e) => [e.action, e.fromVersion, e.toVersion])).toEqual([
      ["onboarding.cancelled", 2, 3],
      ["onboarding.updated", 1, 2],
      ["onboarding.created", null, 1],
    ]);
    expect(items[0].reason).toBe("test");
    expect(items[1].actor.label).toContain(owner.user.email);
    expect(items[1].data.changes).toHaveProperty("platformName", { from: "Acme Cloud", to: "Audited" });
  });
});
