// Over 400 lines on purpose: one scenario per settings endpoint and rule.
// Settings API over its route handlers against a real PostgreSQL: API tokens, members and
// platforms — secrets shown once, capabilities, deny-as-not-found, owner protection, audit.
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { callRoute, createApiToken, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as tokens from "@/app/api/v1/tokens/route";
import * as tokenItem from "@/app/api/v1/tokens/[id]/route";
import * as members from "@/app/api/v1/members/route";
import * as memberItem from "@/app/api/v1/members/[userId]/route";
import * as platforms from "@/app/api/v1/platforms/route";
import * as me from "@/app/api/v1/me/route";

const TOKENS = "http://localhost/api/v1/tokens";
const MEMBERS = "http://localhost/api/v1/members";

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const actions = async (workspaceId: string, targetId?: string) =>
  (
    await db().auditEvent.findMany({
      where: { workspaceId, ...(targetId ? { targetId } : {}) },
      orderBy: { createdAt: "asc" },
    })
  ).map((e) => e.action);

const createToken = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  callRoute(tokens.POST, { method: "POST", url: TOKENS, token, body, headers });
const revoke = (token: string, id: string) =>
  callRoute(tokenItem.DELETE, { method: "DELETE", url: `${TOKENS}/${id}`, token, params: { id } });
const whoAmI = (token: string) => callRoute(me.GET, { url: "http://localhost/api/v1/me", token });

let owner: Member;
let outsider: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  outsider = await createWorkspaceWithMember("owner");
});

describe("API tokens", () => {
  it("shows a new token once, stores only its hash, and the token works", async () => {
    const res = await createToken(owner.token, { name: "CI deploys", role: "operator" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "CI deploys",
      role: "operator",
      ownerEmail: owner.user.email,
      revokedAt: null,
      expiresAt: null,
    });
    expect(res.body.token).toMatch(/^onr_[A-Za-z0-9_-]{40,}$/);
    expect(res.body.token.startsWith(res.body.prefix)).toBe(true);
    expect(res.headers.get("location")).toBe(`/api/v1/tokens/${res.body.id}`);

    const row = await db().apiToken.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(res.body.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(res.body.token);
    expect(row.userId).toBe(owner.user.id);

    const list = await callRoute(tokens.GET, { url: TOKENS, token: owner.token });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t: { id: string }) => t.id === res.body.id);
    expect(listed).toMatchObject({
      name: "CI deploys",
      prefix: res.body.prefix,
      role: "operator",
      ownerEmail: owner.user.email,
    });
    expect(Object.keys(listed).sort()).toEqual(
      [
        "createdAt",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "ownerEmail",
        "prefix",
        "revokedAt",
        "role",
        "userId",
      ].sort(),
    );
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    expect(JSON.stringify(list.body)).not.toContain(row.tokenHash);

    const used = await whoAmI(res.body.token);
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ role: "operator", via: "token" });
    const afterUse = await callRoute(tokens.GET, { url: TOKENS, token: owner.token });
    expect(afterUse.body.items.find((t: { id: string }) => t.id === res.body.id).lastUsedAt).not.toBeNull();

    expect(await actions(owner.workspace.id, res.body.id)).toEqual(["api_token.created"]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { targetId: res.body.id } });
    expect(event).toMatchObject({
      actorUserId: owner.user.id,
      actorTokenId: owner.tokenRecord.id,
      targetType: "api_token",
    });
    expect(JSON.stringify(event.data)).not.toContain(res.body.token);
  });

  it("sets an expiry and refuses an expired token", async () => {
    const res = await createToken(owner.token, { name: "Short-lived", role: "viewer", expiresInDays: 7 });
    expect(res.status).toBe(201);
    const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const expired = await createApiToken(owner.user.id, owner.workspace.id, "owner", {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await whoAmI(expired.token)).status).toBe(401);
  });

  it("revokes: 204, idempotent, audited once, and the token answers 401 on its next use", async () => {
    const created = await createToken(owner.token, { name: "To revoke", role: "admin" });
    expect((await whoAmI(created.body.token)).status).toBe(200);
    const first = await revoke(owner.token, created.body.id);
    expect(first.status).toBe(204);
    expect(first.body).toBeNull();
    expect((await revoke(owner.token, created.body.id)).status).toBe(204);
    const next = await whoAmI(created.body.token);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe("unauthenticated");
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(await actions(owner.workspace.id, created.body.id)).toEqual(["api_token.created", "api_token.revoked"]);
  });

  it("lets a token revoke itself", async () => {
    const created = await createToken(owner.token, { name: "Self", role: "owner" });
    expect((await revoke(created.body.token, created.body.id)).status).toBe(204);
    expect((await whoAmI(created.body.token)).status).toBe(401);
  });

  it("caps the role at the caller's own role", async () => {
    const admin = await createWorkspaceWithMember("admin", owner.workspace.id);
    const res = await createToken(admin.token, { name: "Wants owner", role: "owner" });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe("admin");
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: res.body.id } })).role).toBe("admin");
    expect((await whoAmI(res.body.token)).body.role).toBe("admin");
    // A token acts with its own role, so an admin-role token of an owner creates admin tokens at most.
    const ownerAdminToken = await createApiToken(owner.user.id, owner.workspace.id, "admin");
    expect((await createToken(ownerAdminToken.token, { name: "Capped", role: "owner" })).body.role).toBe("admin");
  });

  it("answers 403 to members without the tokens capability", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const member = await createWorkspaceWithMember(role, owner.workspace.id);
      const post = await createToken(member.token, { name: "Nope", role: "viewer" });
      expect(post.status, role).toBe(403);
      expect(post.body).toMatchObject({ code: "forbidden", capability: "tokens" });
      expect(post.headers.get("content-type")).toContain("application/problem+json");
      expect((await callRoute(tokens.GET, { url: TOKENS, token: member.token })).status).toBe(403);
      expect((await revoke(member.token, owner.tokenRecord.id)).status).toBe(403);
    }
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: owner.tokenRecord.id } })).revokedAt).toBeNull();
  });

  it("answers 404 for another workspace's token and leaves it alone", async () => {
    const res = await revoke(outsider.token, owner.tokenRecord.id);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: owner.tokenRecord.id } })).revokedAt).toBeNull();
    expect((await revoke(owner.token, "no-such-token")).status).toBe(404);
    const list = await callRoute(tokens.GET, { url: TOKENS, token: outsider.token });
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(owner.tokenRecord.id);
    // Naming a workspace one is not a member of is also a 404.
    const foreign = await createToken(
      outsider.token,
      { name: "x", role: "viewer" },
      { "x-onramp-workspace": owner.workspace.slug },
    );
    expect(foreign.status).toBe(404);
  });

  it("validates the body: 422 problem+json with the failing fields, nothing written", async () => {
    const before = await db().apiToken.count();
    const cases: [unknown, string][] = [
      [{ role: "viewer" }, "name"],
      [{ name: "", role: "viewer" }, "name"],
      [{ name: "x".repeat(101), role: "viewer" }, "name"],
      [{ name: "ok" }, "role"],
      [{ name: "ok", role: "superuser" }, "role"],
      [{ name: "ok", role: "viewer", expiresInDays: 0 }, "expiresInDays"],
      [{ name: "ok", role: "viewer", expiresInDays: 1.5 }, "expiresInDays"],
      [{ name: "ok", role: "viewer", expiresInDays: 4000 }, "expiresInDays"],
      [{ name: "ok", role: "viewer", tokenHash: "mine" }, "(body)"],
    ];
    for (const [body, field] of cases) {
      const res = await createToken(owner.token, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("validation_failed");
      expect(fields(res.body), JSON.stringify(body)).toContain(field);
    }
    expect(await db().apiToken.count()).toBe(before);
  });

  it("works from a browser session on the same origin (CSRF-checked)", async () => {
    const res = await callRoute(tokens.POST, {
      method: "POST",
      url: TOKENS,
      session: owner.user,
      body: { name: "From the UI", role: "viewer" },
    });
    expect(res.status).toBe(201);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { targetId: res.body.id } });
    expect(audit).toMatchObject({ actorUserId: owner.user.id, actorTokenId: null, actorLabel: owner.user.email });
    const cross = await callRoute(tokens.POST, {
      method: "POST",
      url: TOKENS,
      session: owner.user,
      headers: { origin: "https://evil.example" },
      body: { name: "Cross-site", role: "viewer" },
    });
    expect(cross.status).toBe(403);
    expect(cross.body.code).toBe("csrf_failed");
  });
});

describe("members", () => {
  const patchMember = (token: string, userId: string, body: unknown, headers: Record<string, string> = {}) =>
    callRoute(memberItem.PATCH, {
      method: "PATCH",
      url: `${MEMBERS}/${userId}`,
      token,
      params: { userId },
      body,
      headers,
    });
  const removeMember = (token: string, userId: string, headers: Record<string, string> = {}) =>
    callRoute(memberItem.DELETE, { method: "DELETE", url: `${MEMBERS}/${userId}`, token, params: { userId }, headers });
  const newUser = (email = `${uniqueId("user")}@example.test`) =>
    db().user.create({ data: { email, name: "New Person" } });
  // People join by invitation (lib/invitations); here a membership is made directly.
  const join = (workspaceId: string, userId: string, role: "admin" | "operator") =>
    db().membership.create({ data: { workspaceId, userId, role } });

  it("lists members to any member, with email, name, role and joinedAt", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const viewer = await createWorkspaceWithMember("viewer", ws.workspace.id);
    const res = await callRoute(members.GET, { url: MEMBERS, token: viewer.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        userId: ws.user.id,
        email: ws.user.email,
        name: ws.user.name,
        role: "owner",
        joinedAt: ws.membership.createdAt.toISOString(),
      },
      {
        userId: viewer.user.id,
        email: viewer.user.email,
        name: viewer.user.name,
        role: "viewer",
        joinedAt: viewer.membership.createdAt.toISOString(),
      },
    ]);
  });

  it("no longer adds an existing account by email: no POST /members, so no 'no such user' answer", () => {
    // Adding an account without its consent, and telling which emails exist, is replaced by invitations.
    expect((members as Record<string, unknown>).POST).toBeUndefined();
  });

  it("validates role changes", async () => {
    const ws = await createWorkspaceWithMember("owner");
    expect(fields((await patchMember(ws.token, ws.user.id, { role: "root" })).body)).toContain("role");
    expect(fields((await patchMember(ws.token, ws.user.id, {})).body)).toContain("role");
  });

  it("lets only owners grant, change or remove the owner role", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const admin = await createWorkspaceWithMember("admin", ws.workspace.id);
    const user = await newUser();
    await join(ws.workspace.id, user.id, "admin");
    const grant = await patchMember(admin.token, user.id, { role: "owner" });
    expect(grant.status).toBe(403);
    expect(grant.body).toMatchObject({ code: "forbidden", reasonCode: "owner_required" });
    expect((await patchMember(admin.token, admin.user.id, { role: "owner" })).status).toBe(403);
    expect((await patchMember(admin.token, ws.user.id, { role: "viewer" })).status).toBe(403);
    expect((await removeMember(admin.token, ws.user.id)).status).toBe(403);
    expect((await db().membership.findUniqueOrThrow({ where: { id: ws.membership.id } })).role).toBe("owner");
    const promoted = await patchMember(ws.token, user.id, { role: "owner" });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe("owner");
  });

  it("never demotes or removes the last owner (409 last_owner)", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const demote = await patchMember(ws.token, ws.user.id, { role: "admin" });
    expect(demote.status).toBe(409);
    expect(demote.body).toMatchObject({ code: "illegal_transition", reasonCode: "last_owner" });
    const remove = await removeMember(ws.token, ws.user.id);
    expect(remove.status).toBe(409);
    expect(remove.body.reasonCode).toBe("last_owner");
    expect((await db().membership.findUniqueOrThrow({ where: { id: ws.membership.id } })).role).toBe("owner");

    const second = await createWorkspaceWithMember("owner", ws.workspace.id);
    const ok = await patchMember(ws.token, ws.user.id, { role: "admin" });
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe("admin");
    expect((await removeMember(second.token, second.user.id)).body.reasonCode).toBe("last_owner");
    expect(await actions(ws.workspace.id)).toEqual(["member.role_changed"]);
  });

  it("keeps one owner when two owners are demoted at the same time", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const second = await createWorkspaceWithMember("owner", ws.workspace.id);
    const results = await Promise.all([
      patchMember(ws.token, second.user.id, { role: "viewer" }),
      patchMember(second.token, ws.user.id, { role: "viewer" }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // The loser is refused as the last owner (409), or — when the winner committed before the
    // loser's request was authorised — no longer has the right to change roles at all (403).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await db().membership.count({ where: { workspaceId: ws.workspace.id, role: "owner" } })).toBe(1);
  });

  it("changes a role with immediate effect on the member's tokens; unchanged role writes nothing", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const admin = await createWorkspaceWithMember("admin", ws.workspace.id);
    const res = await patchMember(ws.token, admin.user.id, { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: admin.user.id, role: "viewer" });
    const demoted = await createToken(admin.token, { name: "after demotion", role: "viewer" });
    expect(demoted.status).toBe(403);
    expect((await patchMember(ws.token, admin.user.id, { role: "viewer" })).status).toBe(200);
    const events = await db().auditEvent.findMany({
      where: { workspaceId: ws.workspace.id, action: "member.role_changed" },
    });
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ userId: admin.user.id, from: "admin", to: "viewer" });
  });

  it("removes a member and revokes their tokens for the workspace", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const operator = await createWorkspaceWithMember("operator", ws.workspace.id);
    const res = await removeMember(ws.token, operator.user.id);
    expect(res.status).toBe(204);
    expect(await db().membership.findUnique({ where: { id: operator.membership.id } })).toBeNull();
    expect(
      (await db().apiToken.findUniqueOrThrow({ where: { id: operator.tokenRecord.id } })).revokedAt,
    ).not.toBeNull();
    expect((await whoAmI(operator.token)).status).toBe(401);
    expect((await removeMember(ws.token, operator.user.id)).status).toBe(404);
    // Added back: the old token stays dead.
    await join(ws.workspace.id, operator.user.id, "operator");
    expect((await whoAmI(operator.token)).status).toBe(401);
    const removed = await db().auditEvent.findFirstOrThrow({
      where: { workspaceId: ws.workspace.id, action: "member.removed" },
    });
    expect(removed.data).toMatchObject({ userId: operator.user.id, tokensRevoked: 1 });
  });

  it("lets a member leave when another owner remains", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const second = await createWorkspaceWithMember("owner", ws.workspace.id);
    expect((await removeMember(second.token, second.user.id)).status).toBe(204);
  });

  it("answers 403 to members without the members capability and 404 across workspaces", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const operator = await createWorkspaceWithMember("operator", ws.workspace.id);
    expect((await patchMember(operator.token, ws.user.id, { role: "viewer" })).status).toBe(403);
    expect((await removeMember(operator.token, ws.user.id)).status).toBe(403);
    // The outsider names ws's workspace: not a member there → 404.
    const header = { "x-onramp-workspace": ws.workspace.id };
    expect((await patchMember(outsider.token, ws.user.id, { role: "viewer" }, header)).status).toBe(404);
    expect((await removeMember(outsider.token, ws.user.id, header)).status).toBe(404);
    expect(
      (await callRoute(members.GET, { url: `${MEMBERS}?workspace=${ws.workspace.slug}`, token: outsider.token }))
        .status,
    ).toBe(404);
    // In their own workspace, ws's owner is simply not a member.
    expect((await patchMember(outsider.token, ws.user.id, { role: "viewer" })).status).toBe(404);
    expect((await db().membership.findUniqueOrThrow({ where: { id: ws.membership.id } })).role).toBe("owner");
  });
});

describe("platforms", () => {
  async function platform(
    workspaceId: string,
    slug: string,
    opts: { status?: "provisioning" | "active"; withSession?: Member } = {},
  ) {
    const row = await db().platform.create({
      data: {
        workspaceId,
        slug,
        tier: "growth",
        status: opts.status ?? "provisioning",
        repoUrl: `https://github.example/${slug}`,
      },
    });
    let sessionId: string | null = null;
    if (opts.withSession) {
      const s = await db().onboardingSession.create({
        data: {
          workspaceId,
          platformName: `Platform ${slug}`,
          slug,
          tier: "growth",
          userId: opts.withSession.user.id,
          steps: [],
          platformId: row.id,
        },
      });
      sessionId = s.id;
    }
    return { row, sessionId };
  }

  it("lists the workspace's platforms newest first with cursor pagination and a status filter", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const viewer = await createWorkspaceWithMember("viewer", ws.workspace.id);
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await platform(ws.workspace.id, `plat-${i}-${uniqueId("p")}`, {
          status: i % 2 ? "active" : "provisioning",
          withSession: ws,
        }),
      );
    await platform(outsider.workspace.id, `other-${uniqueId("p")}`);
    const url = "http://localhost/api/v1/platforms";
    const page1 = await callRoute(platforms.GET, { url: `${url}?limit=2`, token: viewer.token });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((p: { id: string }) => p.id)).toEqual([made[4].row.id, made[3].row.id]);
    expect(page1.body.items[0]).toEqual({
      id: made[4].row.id,
      slug: made[4].row.slug,
      tier: "growth",
      status: "provisioning",
      repoUrl: made[4].row.repoUrl,
      deploymentUrl: null,
      createdAt: made[4].row.createdAt.toISOString(),
      activatedAt: null,
      onboardingId: made[4].sessionId,
      platformName: `Platform ${made[4].row.slug}`,
    });
    const page2 = await callRoute(platforms.GET, {
      url: `${url}?limit=2&cursor=${page1.body.nextCursor}`,
      token: viewer.token,
    });
    expect(page2.body.items.map((p: { id: string }) => p.id)).toEqual([made[2].row.id, made[1].row.id]);
    const page3 = await callRoute(platforms.GET, {
      url: `${url}?limit=2&cursor=${page2.body.nextCursor}`,
      token: viewer.token,
    });
    expect(page3.body.items.map((p: { id: string }) => p.id)).toEqual([made[0].row.id]);
    expect(page3.body.nextCursor).toBeNull();
    const active = await callRoute(platforms.GET, { url: `${url}?status=active`, token: viewer.token });
    expect(active.body.items.map((p: { id: string }) => p.id)).toEqual([made[3].row.id, made[1].row.id]);

    const bad = await callRoute(platforms.GET, { url: `${url}?limit=0&status=gone`, token: viewer.token });
    expect(bad.status).toBe(422);
    expect(fields(bad.body).sort()).toEqual(["limit", "status"]);
    expect((await callRoute(platforms.GET, { url: `${url}?cursor=garbage`, token: viewer.token })).status).toBe(422);
    expect(
      (await callRoute(platforms.GET, { url: `${url}?workspace=${ws.workspace.slug}`, token: outsider.token })).status,
    ).toBe(404);
  });
});
