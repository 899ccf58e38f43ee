// A browser session ends when the user signs out, changes password or is removed from a
// workspace: the JWT stays cryptographically valid, the session version in it does not.
import { describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import type { NextAuthOptions } from "next-auth";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as me from "@/app/api/v1/me/route";
import * as memberItem from "@/app/api/v1/members/[userId]/route";
import { createUser } from "@/lib/admin/admin-ops";
import { authOptions } from "./next-auth";
import { actorForUser } from "./actor";

const ME = "http://localhost/api/v1/me";

/** The cookie next-auth issues at sign-in: the jwt callback decides what goes into it. */
async function signedInCookie(user: {
  id: string;
  email: string;
  sessionVersion: number;
}): Promise<{ cookie: string; token: Record<string, unknown> }> {
  const jwt = authOptions().callbacks!.jwt!;
  const token = await jwt({
    token: { sub: "ignored", email: user.email },
    user: { ...user, sessionVersion: user.sessionVersion } as never,
    account: null,
  } as never);
  return { cookie: `next-auth.session-token=${await encode({ token, secret: process.env.NEXTAUTH_SECRET! })}`, token };
}

const meWith = (cookie: string) => callRoute(me.GET, { url: ME, headers: { cookie } });

describe("session version", () => {
  it("is put in the JWT at sign-in and checked on every cookie request", async () => {
    const m = await createWorkspaceWithMember("operator");
    const { cookie, token } = await signedInCookie(m.user);
    expect(token).toMatchObject({ sub: m.user.id, sv: 1 });
    expect((await meWith(cookie)).status).toBe(200);
    await db().user.update({ where: { id: m.user.id }, data: { sessionVersion: { increment: 1 } } });
    const stale = await meWith(cookie);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe("unauthenticated");
    expect(await actorForUser(m.user.id, "session", 1)).toBeNull();
    // A new sign-in carries the new version.
    const fresh = await signedInCookie({ ...m.user, sessionVersion: 2 });
    expect((await meWith(fresh.cookie)).status).toBe(200);
  });

  it("ends on sign-out: next-auth's signOut event bumps it and the old cookie gets 401", async () => {
    const m = await createWorkspaceWithMember("viewer");
    const { cookie, token } = await signedInCookie(m.user);
    expect((await meWith(cookie)).status).toBe(200);
    const events = authOptions().events as NonNullable<NextAuthOptions["events"]>;
    await events.signOut!({ token: token as never, session: undefined as never });
    expect((await db().user.findUniqueOrThrow({ where: { id: m.user.id } })).sessionVersion).toBe(2);
    expect((await meWith(cookie)).status).toBe(401);
  });

  it("ends when the user is removed from a workspace", async () => {
    const ws = await createWorkspaceWithMember("owner");
    const member = await createWorkspaceWithMember("operator", ws.workspace.id);
    // Also a member elsewhere: the session still ends (sessions are per user).
    await createWorkspaceWithMember("viewer", undefined, {}).then((other) =>
      db().membership.create({ data: { workspaceId: other.workspace.id, userId: member.user.id, role: "viewer" } }),
    );
    const { cookie } = await signedInCookie(member.user);
    expect((await meWith(cookie)).status).toBe(200);
    const removed = await callRoute(memberItem.DELETE, {
      method: "DELETE",
      url: `http://localhost/api/v1/members/${member.user.id}`,
      token: ws.token,
      params: { userId: member.user.id },
    });
    expect(removed.status).toBe(204);
    expect((await meWith(cookie)).status).toBe(401);
  });

  it("ends when the password is changed (admin user create for an existing user), not when the user is merely re-added", async () => {
    const m = await createWorkspaceWithMember("admin");
    const { cookie } = await signedInCookie(m.user);
    await createUser({ email: m.user.email, workspace: m.workspace.slug, role: "admin" });
    expect((await meWith(cookie)).status).toBe(200);
    await createUser({ email: m.user.email, password: "a-new-password", workspace: m.workspace.slug, role: "admin" });
    expect((await meWith(cookie)).status).toBe(401);
  });

  it("accepts a cookie issued before versions existed only while the user is at version 1", async () => {
    const m = await createWorkspaceWithMember("viewer");
    const legacy = `next-auth.session-token=${await encode({ token: { sub: m.user.id, email: m.user.email }, secret: process.env.NEXTAUTH_SECRET! })}`;
    expect((await meWith(legacy)).status).toBe(200);
    await db().user.update({ where: { id: m.user.id }, data: { sessionVersion: 2 } });
    expect((await meWith(legacy)).status).toBe(401);
  });
});
