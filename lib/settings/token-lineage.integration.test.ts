// Tokens created by tokens: the child records its parent, never outlives it, and dies with it.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createApiToken, createWorkspaceWithMember } from "@/test/fixtures";
import * as tokens from "@/app/api/v1/tokens/route";
import * as tokenItem from "@/app/api/v1/tokens/[id]/route";
import * as me from "@/app/api/v1/me/route";
import { revokeToken as adminRevokeToken } from "@/lib/admin/admin-ops";
import { cappedExpiry } from "./create-token";

const TOKENS = "http://localhost/api/v1/tokens";
const DAY = 86_400_000;
const create = (token: string, body: unknown) => callRoute(tokens.POST, { method: "POST", url: TOKENS, token, body });
const revoke = (token: string, id: string) =>
  callRoute(tokenItem.DELETE, { method: "DELETE", url: `${TOKENS}/${id}`, token, params: { id } });
const whoAmI = (token: string) => callRoute(me.GET, { url: "http://localhost/api/v1/me", token });

describe("tokens created by tokens", () => {
  it("caps the child's expiry at the parent's: an expiring token cannot create a token that never expires", async () => {
    const owner = await createWorkspaceWithMember("owner");
    const parent = await createApiToken(owner.user.id, owner.workspace.id, "owner", {
      expiresAt: new Date(Date.now() + 2 * DAY),
    });
    const never = await create(parent.token, { name: "forever", role: "operator" });
    expect(never.status).toBe(201);
    expect(never.body.expiresAt).toBe(parent.tokenRecord.expiresAt!.toISOString());
    const longer = await create(parent.token, { name: "a year", role: "operator", expiresInDays: 365 });
    expect(longer.body.expiresAt).toBe(parent.tokenRecord.expiresAt!.toISOString());
    const shorter = await create(parent.token, { name: "a day", role: "operator", expiresInDays: 1 });
    expect(Date.parse(shorter.body.expiresAt)).toBeLessThan(parent.tokenRecord.expiresAt!.getTime());
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: never.body.id } });
    expect(row.parentTokenId).toBe(parent.tokenRecord.id);
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { targetId: never.body.id, action: "api_token.created" },
    });
    expect(audit.data).toMatchObject({
      requestedExpiresAt: null,
      expiresAt: parent.tokenRecord.expiresAt!.toISOString(),
      parentTokenId: parent.tokenRecord.id,
    });
  });

  it("leaves browser-session tokens and never-expiring parents as they were", async () => {
    const owner = await createWorkspaceWithMember("owner");
    const fromSession = await callRoute(tokens.POST, {
      method: "POST",
      url: TOKENS,
      session: owner.user,
      body: { name: "ui", role: "viewer" },
    });
    expect(fromSession.status).toBe(201);
    expect(fromSession.body.expiresAt).toBeNull();
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: fromSession.body.id } })).parentTokenId).toBeNull();
    const fromToken = await create(owner.token, { name: "child", role: "viewer" });
    expect(fromToken.body.expiresAt).toBeNull();
  });

  it("revokes every descendant with its parent, in one transaction, each audited", async () => {
    const owner = await createWorkspaceWithMember("owner");
    const parent = await create(owner.token, { name: "parent", role: "admin" });
    const child = await create(parent.body.token, { name: "child", role: "admin" });
    const grandchild = await create(child.body.token, { name: "grandchild", role: "viewer" });
    const sibling = await create(owner.token, { name: "unrelated", role: "viewer" });
    expect([parent.status, child.status, grandchild.status, sibling.status]).toEqual([201, 201, 201, 201]);
    for (const t of [parent, child, grandchild]) expect((await whoAmI(t.body.token)).status).toBe(200);

    expect((await revoke(owner.token, parent.body.id)).status).toBe(204);
    for (const t of [parent, child, grandchild]) expect((await whoAmI(t.body.token)).status).toBe(401);
    expect((await whoAmI(sibling.body.token)).status).toBe(200);
    expect((await whoAmI(owner.token)).status).toBe(200);

    const events = await db().auditEvent.findMany({
      where: { workspaceId: owner.workspace.id, action: "api_token.revoked" },
    });
    expect(events.map((e) => e.targetId).sort()).toEqual([parent.body.id, child.body.id, grandchild.body.id].sort());
    expect(events.find((e) => e.targetId === grandchild.body.id)!.data).toMatchObject({ revokedWith: parent.body.id });
    // All at once: one transaction, one timestamp.
    const rows = await db().apiToken.findMany({
      where: { id: { in: [parent.body.id, child.body.id, grandchild.body.id] } },
    });
    expect(new Set(rows.map((r) => r.revokedAt!.getTime())).size).toBe(1);
    // Again: nothing left to revoke, nothing audited.
    expect((await revoke(owner.token, parent.body.id)).status).toBe(204);
    expect(
      await db().auditEvent.count({ where: { workspaceId: owner.workspace.id, action: "api_token.revoked" } }),
    ).toBe(3);
  });

  it("revokes descendants from the admin CLI too", async () => {
    const owner = await createWorkspaceWithMember("owner");
    const child = await create(owner.token, { name: "child", role: "viewer" });
    const revoked = await adminRevokeToken({ id: owner.tokenRecord.id });
    expect(revoked.descendantsRevoked).toBe(1);
    expect((await whoAmI(child.body.token)).status).toBe(401);
  });

  it("refuses to create a child through a token revoked in the meantime", async () => {
    const owner = await createWorkspaceWithMember("owner");
    const parent = await create(owner.token, { name: "parent", role: "admin" });
    // Revoked after the request was authenticated (the row is what counts, inside the transaction).
    await db().apiToken.update({ where: { id: parent.body.id }, data: { revokedAt: new Date() } });
    const res = await create(parent.body.token, { name: "late", role: "viewer" });
    expect(res.status).toBe(401);
  });
});

describe("cappedExpiry", () => {
  const soon = new Date("2030-01-01T00:00:00Z");
  const later = new Date("2031-01-01T00:00:00Z");
  it("is the earlier of the two, and the parent's when none is requested", () => {
    expect(cappedExpiry(null, null)).toBeNull();
    expect(cappedExpiry(later, null)).toBe(later);
    expect(cappedExpiry(null, soon)).toBe(soon);
    expect(cappedExpiry(later, soon)).toBe(soon);
    expect(cappedExpiry(soon, later)).toBe(soon);
  });
});
