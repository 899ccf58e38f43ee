// Over 400 lines on purpose: one scenario per invitation rule (create, accept, revoke, expire, limits).
// Invitations over their route handlers against a real PostgreSQL: a link shown once and stored
// as a hash, single use, expiry, revocation, the four ways of accepting, capabilities, audit,
// and the invite mail through a real SMTP conversation on loopback.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { verifyPassword } from "@/lib/auth/password";
import { callRoute, createWorkspaceWithMember, uniqueId, type CallOptions, type Member } from "@/test/fixtures";
import { startFakeSmtp, type FakeSmtp } from "@/test/fake-smtp/server";
import * as invitations from "@/app/api/v1/invitations/route";
import * as invitationItem from "@/app/api/v1/invitations/[id]/route";
import * as lookup from "@/app/api/v1/invitations/lookup/route";
import * as accept from "@/app/api/v1/invitations/accept/route";
import * as me from "@/app/api/v1/me/route";

const BASE = "http://localhost/api/v1/invitations";
const PASSWORD = "correct horse battery";

const invite = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  callRoute(invitations.POST, { method: "POST", url: BASE, token, body, headers });
const list = (token: string, headers: Record<string, string> = {}) =>
  callRoute(invitations.GET, { url: BASE, token, headers });
const revoke = (token: string, id: string) =>
  callRoute(invitationItem.DELETE, { method: "DELETE", url: `${BASE}/${id}`, token, params: { id } });
const lookUp = (t: string) => callRoute(lookup.GET, { url: `${BASE}/lookup?token=${encodeURIComponent(t)}` });
const acceptAs = (body: unknown, opts: Partial<CallOptions> = {}) =>
  callRoute(accept.POST, { method: "POST", url: `${BASE}/accept`, body, ...opts });
const tokenOf = (inviteUrl: string) => new URL(inviteUrl).pathname.split("/").at(-1)!;
const newEmail = () => `${uniqueId("invitee")}@example.test`;
const actions = async (workspaceId: string) =>
  (
    await db().auditEvent.findMany({ where: { workspaceId, targetType: "invitation" }, orderBy: { createdAt: "asc" } })
  ).map((e) => e.action);

let owner: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

async function invited(role = "operator", who: Member = owner, email = newEmail()) {
  const res = await invite(who.token, { email, role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, email, token: tokenOf(res.body.inviteUrl) } as {
    invitation: { id: string; state: string };
    inviteUrl: string;
    emailed: boolean;
    email: string;
    token: string;
  };
}

describe("creating and listing", () => {
  it("shows the link once, stores only the token's sha256, expires in 7 days, audited", async () => {
    const email = newEmail();
    const res = await invite(owner.token, { email: email.toUpperCase(), role: "operator" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      emailed: false,
      invitation: { email, role: "operator", state: "pending", invitedByEmail: owner.user.email },
    });
    const url = new URL(res.body.inviteUrl);
    expect(url.pathname).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(res.body.inviteUrl);

    const row = await db().invitation.findUniqueOrThrow({ where: { id: res.body.invitation.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    const days = (row.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const listed = await list(owner.token);
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((i: { id: string }) => i.id === row.id);
    expect(Object.keys(item).sort()).toEqual([
      "acceptedAt",
      "createdAt",
      "email",
      "expiresAt",
      "id",
      "invitedByEmail",
      "revokedAt",
      "role",
      "state",
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain(row.tokenHash);

    const event = await db().auditEvent.findFirstOrThrow({ where: { targetId: row.id, action: "invitation.created" } });
    expect(event).toMatchObject({
      actorUserId: owner.user.id,
      targetType: "invitation",
      workspaceId: owner.workspace.id,
    });
    expect(JSON.stringify(event)).not.toContain(token);
  });

  it("re-inviting a pending email revokes the older link", async () => {
    const first = await invited("viewer");
    const second = await invited("operator", owner, first.email);
    const items = (await list(owner.token)).body.items as { id: string; state: string }[];
    expect(items.find((i) => i.id === first.invitation.id)?.state).toBe("revoked");
    expect(items.find((i) => i.id === second.invitation.id)?.state).toBe("pending");
    expect((await acceptAs({ token: first.token, password: PASSWORD })).body.reasonCode).toBe("invitation_revoked");
    expect(
      await db().auditEvent.count({ where: { targetId: first.invitation.id, action: "invitation.revoked" } }),
    ).toBe(1);
  });

  it("refuses to invite an existing member of the workspace (409 already_member)", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const member = await createWorkspaceWithMember("viewer", ws.workspace.id);
    const res = await invite(ws.token, { email: member.user.email, role: "operator" });
    expect(res.status).toBe(409);
    expect(res.body.reasonCode).toBe("already_member");
  });

  it("answers the same for an email with an account elsewhere and one without (no oracle)", async () => {
    const elsewhere = await createWorkspaceWithMember("owner");
    const a = await invite(owner.token, { email: elsewhere.user.email, role: "viewer" });
    const b = await invite(owner.token, { email: newEmail(), role: "viewer" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(Object.keys(a.body.invitation).sort()).toEqual(Object.keys(b.body.invitation).sort());
  });

  it("validates email and role", async () => {
    const bad = await invite(owner.token, { email: "not-an-email", role: "root" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["email", "role"]);
  });
});

describe("who may invite", () => {
  it("an admin cannot invite an owner (403 owner_required) nor revoke an owner's invitation, but may invite an admin", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const admin = await createWorkspaceWithMember("admin", ws.workspace.id);
    const grant = await invite(admin.token, { email: newEmail(), role: "owner" });
    expect(grant.status).toBe(403);
    expect(grant.body).toMatchObject({ code: "forbidden", reasonCode: "owner_required" });
    expect((await invite(admin.token, { email: newEmail(), role: "admin" })).status).toBe(201);
    const ownerInvite = await invited("owner", ws);
    expect((await revoke(admin.token, ownerInvite.invitation.id)).status).toBe(403);
    expect(await db().invitation.count({ where: { workspaceId: ws.workspace.id, role: "owner" } })).toBe(1);
  });

  it("viewers and operators get 403 for invite, list and revoke", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const pending = await invited("viewer", ws);
    for (const role of ["viewer", "operator"] as const) {
      const m = await createWorkspaceWithMember(role, ws.workspace.id);
      expect((await invite(m.token, { email: newEmail(), role: "viewer" })).status).toBe(403);
      expect((await list(m.token)).status).toBe(403);
      expect((await revoke(m.token, pending.invitation.id)).status).toBe(403);
    }
    expect(await db().invitation.count({ where: { workspaceId: ws.workspace.id } })).toBe(1);
  });

  it("another workspace's invitation answers 404", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const outsider = await createWorkspaceWithMember("owner");
    const pending = await invited("viewer", ws);
    expect((await revoke(outsider.token, pending.invitation.id)).status).toBe(404);
    expect((await list(outsider.token, { "x-onramp-workspace": ws.workspace.id })).status).toBe(404);
    expect(
      (await invite(outsider.token, { email: newEmail(), role: "viewer" }, { "x-onramp-workspace": ws.workspace.slug }))
        .status,
    ).toBe(404);
    expect((await db().invitation.findUniqueOrThrow({ where: { id: pending.invitation.id } })).revokedAt).toBeNull();
  });
});

describe("revoking", () => {
  it("204, idempotent, audited once; the link then shows revoked and cannot be accepted", async () => {
    const pending = await invited();
    expect((await revoke(owner.token, pending.invitation.id)).status).toBe(204);
    expect((await revoke(owner.token, pending.invitation.id)).status).toBe(204);
    expect(
      await db().auditEvent.count({ where: { targetId: pending.invitation.id, action: "invitation.revoked" } }),
    ).toBe(1);
    expect((await lookUp(pending.token)).body.state).toBe("revoked");
    const res = await acceptAs({ token: pending.token, password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reasonCode: "invitation_revoked", state: "revoked" });
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await db().user.findUnique({ where: { email: pending.email } })).toBeNull();
  });
});

describe("accepting", () => {
  it("without an account: creates the user with a hashed password and the membership, once", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const pending = await invited("operator", ws);
    const seen = await lookUp(pending.token);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      workspaceName: ws.workspace.name,
      role: "operator",
      email: pending.email,
      state: "pending",
      accountExists: false,
    });

    const res = await acceptAs({ token: pending.token, password: PASSWORD, name: "Ada Invitee" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      workspace: { id: ws.workspace.id, slug: ws.workspace.slug, name: ws.workspace.name },
      role: "operator",
      email: pending.email,
      accountCreated: true,
    });
    const user = await db().user.findUniqueOrThrow({ where: { email: pending.email } });
    expect(user.name).toBe("Ada Invitee");
    expect(user.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, user.passwordHash)).toBe(true);
    const membership = await db().membership.findUniqueOrThrow({
      where: { workspaceId_userId: { workspaceId: ws.workspace.id, userId: user.id } },
    });
    expect(membership.role).toBe("operator");
    const row = await db().invitation.findUniqueOrThrow({ where: { id: pending.invitation.id } });
    expect(row.acceptedById).toBe(user.id);

    const whoAmI = await callRoute(me.GET, { url: "http://localhost/api/v1/me", session: user });
    expect(whoAmI.body).toMatchObject({ workspace: { id: ws.workspace.id }, role: "operator" });
    expect(await actions(ws.workspace.id)).toEqual(["invitation.created", "invitation.accepted"]);

    // Used twice: refused, nothing changes.
    const again = await acceptAs({ token: pending.token, password: "another password 123" });
    expect(again.status).toBe(409);
    expect(again.body.reasonCode).toBe("invitation_used");
    expect((await lookUp(pending.token)).body).toMatchObject({ state: "accepted", accountExists: true });
    expect(
      await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash),
    ).toBe(true);
    // An accepted invitation is not revoked after the fact: remove the member instead.
    const late = await revoke(ws.token, pending.invitation.id);
    expect(late.status).toBe(409);
    expect(late.body.reasonCode).toBe("invitation_used");
  });

  it("needs a password of at least 12 characters for a new account; nothing is created without one", async () => {
    const pending = await invited();
    const none = await acceptAs({ token: pending.token });
    expect(none.status).toBe(422);
    expect(none.body.errors.map((e: { field: string }) => e.field)).toEqual(["password"]);
    expect((await acceptAs({ token: pending.token, password: "short" })).status).toBe(422);
    expect(await db().user.findUnique({ where: { email: pending.email } })).toBeNull();
    expect((await lookUp(pending.token)).body.state).toBe("pending");
  });

  it("an existing account signed in as the invited email joins with the role", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const elsewhere = await createWorkspaceWithMember("owner");
    const pending = await invited("admin", ws, elsewhere.user.email);
    const res = await acceptAs({ token: pending.token }, { session: elsewhere.user });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: "admin", accountCreated: false, workspace: { id: ws.workspace.id } });
    const membership = await db().membership.findUniqueOrThrow({
      where: { workspaceId_userId: { workspaceId: ws.workspace.id, userId: elsewhere.user.id } },
    });
    expect(membership.role).toBe("admin");
    const event = await db().auditEvent.findFirstOrThrow({
      where: { targetId: pending.invitation.id, action: "invitation.accepted" },
    });
    expect(event).toMatchObject({ actorUserId: elsewhere.user.id, workspaceId: ws.workspace.id });
  });

  it("an existing account that is not signed in is told to sign in first (401 sign_in_required); nothing changes", async () => {
    const elsewhere = await createWorkspaceWithMember("owner");
    const pending = await invited("viewer", owner, elsewhere.user.email);
    expect((await lookUp(pending.token)).body.accountExists).toBe(true);
    const res = await acceptAs({ token: pending.token, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.reasonCode).toBe("sign_in_required");
    const user = await db().user.findUniqueOrThrow({ where: { id: elsewhere.user.id } });
    expect(user.passwordHash).toBeNull();
    expect(await db().membership.count({ where: { workspaceId: owner.workspace.id, userId: user.id } })).toBe(0);
    expect((await lookUp(pending.token)).body.state).toBe("pending");
  });

  it("signed in as someone else: refused with 403 invitation_email_mismatch; nothing changes", async () => {
    const other = await createWorkspaceWithMember("owner");
    const pending = await invited();
    const res = await acceptAs({ token: pending.token, password: PASSWORD }, { session: other.user });
    expect(res.status).toBe(403);
    expect(res.body.reasonCode).toBe("invitation_email_mismatch");
    expect(res.body.detail).toMatch(/Sign out/);
    expect(await db().membership.count({ where: { workspaceId: owner.workspace.id, userId: other.user.id } })).toBe(0);
    expect((await lookUp(pending.token)).body.state).toBe("pending");
  });

  it("already a member: a clear 409, and the invitation stays as it was", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const person = await createWorkspaceWithMember("owner");
    const pending = await invited("operator", ws, person.user.email);
    await db().membership.create({ data: { workspaceId: ws.workspace.id, userId: person.user.id, role: "viewer" } });
    const res = await acceptAs({ token: pending.token }, { session: person.user });
    expect(res.status).toBe(409);
    expect(res.body.reasonCode).toBe("already_member");
    expect(
      (
        await db().membership.findUniqueOrThrow({
          where: { workspaceId_userId: { workspaceId: ws.workspace.id, userId: person.user.id } },
        })
      ).role,
    ).toBe("viewer");
    expect((await db().invitation.findUniqueOrThrow({ where: { id: pending.invitation.id } })).acceptedAt).toBeNull();
  });

  it("an expired invitation: 409 invitation_expired, shown as expired", async () => {
    const pending = await invited();
    await db().invitation.update({
      where: { id: pending.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await acceptAs({ token: pending.token, password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "illegal_transition", reasonCode: "invitation_expired" });
    expect((await lookUp(pending.token)).body.state).toBe("expired");
    expect((await list(owner.token)).body.items.find((i: { id: string }) => i.id === pending.invitation.id).state).toBe(
      "expired",
    );
    expect(await db().user.findUnique({ where: { email: pending.email } })).toBeNull();
  });

  it("two accepts at once: exactly one wins", async () => {
    const pending = await invited();
    const results = await Promise.all([
      acceptAs({ token: pending.token, password: PASSWORD }),
      acceptAs({ token: pending.token, password: "another password 123" }),
    ]);
    expect(results.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
    expect(await db().user.count({ where: { email: pending.email } })).toBe(1);
    expect(
      await db().auditEvent.count({ where: { targetId: pending.invitation.id, action: "invitation.accepted" } }),
    ).toBe(1);
  });

  it("refuses API tokens, bad credentials and cross-site cookie writes", async () => {
    const pending = await invited();
    const viaToken = await acceptAs({ token: pending.token }, { token: owner.token });
    expect(viaToken.status).toBe(403);
    expect(viaToken.body.reasonCode).toBe("browser_session_required");
    expect(
      (await acceptAs({ token: pending.token, password: PASSWORD }, { token: "onr_not-a-real-token" })).status,
    ).toBe(401);
    const other = await createWorkspaceWithMember("owner");
    const cross = await acceptAs(
      { token: pending.token },
      { session: other.user, headers: { origin: "https://evil.example" } },
    );
    expect(cross.body.code).toBe("csrf_failed");
    expect((await lookUp(pending.token)).body.state).toBe("pending");
  });

  it("rate limits anonymous accepts per client address", async () => {
    const saved = process.env.RATE_LIMIT_WRITES_PER_MINUTE;
    process.env.RATE_LIMIT_WRITES_PER_MINUTE = "2";
    try {
      const ip = {
        "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250)}, 203.0.113.${Math.floor(Math.random() * 250)}`,
      };
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await acceptAs({ token: "x".repeat(43) }, { headers: ip })).status);
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      if (saved === undefined) delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
      else process.env.RATE_LIMIT_WRITES_PER_MINUTE = saved;
    }
  });
});

describe("lookup", () => {
  it("an unknown token answers 404, a malformed one 422", async () => {
    const unknown = await lookUp("A".repeat(43));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    expect((await lookUp("short")).status).toBe(422);
    expect((await acceptAs({ token: "B".repeat(43), password: PASSWORD })).status).toBe(404);
  });
});

describe("mail", () => {
  let smtp: FakeSmtp;
  const saved = process.env.SMTP_URL;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.SMTP_URL;
    else process.env.SMTP_URL = saved;
    await smtp.close();
  });

  it("mails the link when SMTP_URL is set", async () => {
    process.env.SMTP_URL = smtp.url({ user: "onramp", pass: "smtp-secret" });
    const pending = await invited("operator");
    expect(pending.emailed).toBe(true);
    const mail = smtp.messages.find((m) => m.to.includes(pending.email));
    expect(mail).toBeDefined();
    expect(mail!.text).toContain(pending.inviteUrl);
    expect(mail!.text).toContain(owner.workspace.name);
    expect(mail!.auth).toEqual({ user: "onramp", pass: "smtp-secret" });
  });

  it("still creates the invitation and shows the link when mail fails", async () => {
    process.env.SMTP_URL = "smtp://user:pw@127.0.0.1:1";
    const pending = await invited("viewer");
    expect(pending.emailed).toBe(false);
    expect(pending.inviteUrl).toContain("/invite/");
    expect((await lookUp(pending.token)).body.state).toBe("pending");
  });
});
