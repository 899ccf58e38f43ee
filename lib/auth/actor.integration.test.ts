// Who is calling, resolved from PostgreSQL in one statement per request (lib/auth/actor.ts).
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { createApiToken, createWorkspaceWithMember, sessionCookie } from "@/test/fixtures";
import { actorForUser, resolveActor } from "./actor";

const request = (headers: Record<string, string>) => new NextRequest("http://localhost/api/v1/me", { headers });

describe("resolveActor", () => {
  it("lists every membership of a cookie user, oldest first, with its role", async () => {
    const first = await createWorkspaceWithMember("viewer");
    const second = await createWorkspaceWithMember("owner");
    await db().membership.create({ data: { workspaceId: second.workspace.id, userId: first.user.id, role: "admin" } });
    const actor = await resolveActor(request({ cookie: await sessionCookie(first.user) }));
    expect(actor).toMatchObject({ userId: first.user.id, email: first.user.email, via: "session" });
    expect(actor!.memberships).toEqual([
      {
        workspaceId: first.workspace.id,
        workspaceSlug: first.workspace.slug,
        workspaceName: first.workspace.name,
        role: "viewer",
      },
      {
        workspaceId: second.workspace.id,
        workspaceSlug: second.workspace.slug,
        workspaceName: second.workspace.name,
        role: "admin",
      },
    ]);
  });

  it("knows a user without memberships, and no user that does not exist", async () => {
    const lonely = await db().user.create({ data: { email: `lonely-${Date.now()}@example.test` } });
    expect(await actorForUser(lonely.id, "session")).toMatchObject({ userId: lonely.id, memberships: [] });
    expect(await actorForUser("no-such-user", "session")).toBeNull();
  });

  it("caps a token's role at the member's current role, and drops tokens of removed, revoked or expired access", async () => {
    const m = await createWorkspaceWithMember("operator");
    const { token: ownerToken } = await createApiToken(m.user.id, m.workspace.id, "owner");
    expect((await resolveActor(request({ authorization: `Bearer ${ownerToken}` })))!.memberships[0].role).toBe(
      "operator",
    );

    const { token: revoked } = await createApiToken(m.user.id, m.workspace.id, "viewer", { revokedAt: new Date() });
    const { token: expired } = await createApiToken(m.user.id, m.workspace.id, "viewer", {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(await resolveActor(request({ authorization: `Bearer ${revoked}` }))).toBeNull();
    expect(await resolveActor(request({ authorization: `Bearer ${expired}` }))).toBeNull();

    await db().membership.delete({ where: { id: m.membership.id } });
    expect(await resolveActor(request({ authorization: `Bearer ${m.token}` }))).toBeNull();
    expect(await resolveActor(request({ authorization: "Bearer onr_not-a-real-token" }))).toBeNull();
  });
});
