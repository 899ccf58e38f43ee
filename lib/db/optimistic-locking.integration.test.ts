// Optimistic locking through the app's own write path (PATCH → updateOnboarding → mutateSession),
// not Prisma's updateMany: a stale version is refused with 409 (body) or 412 (If-Match) and
// nothing is written — no field, no version bump, no audit event — including a write that goes
// stale between its read and its update.
import { patchOnboarding } from "@/test/onboarding-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "./client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import { mutateSession } from "@/lib/onboarding/mutate-session";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit";

let owner: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await disconnectDb();
});

async function createSession(): Promise<string> {
  const res = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "before", slug: uniqueId("p"), tier: "starter" },
  });
  expect(res.status).toBe(202);
  return res.body.onboardingId;
}

const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  patchOnboarding(owner.token, id, body, headers);

const snapshot = async (id: string) => ({
  row: await db().onboardingSession.findUniqueOrThrow({ where: { id } }),
  audits: await db().auditEvent.count({ where: { targetId: id } }),
});

describe("optimistic locking on the session write path", () => {
  it("applies a write based on the current version and bumps it", async () => {
    const id = await createSession();
    const res = await patch(id, { version: 1, platformName: "x" });
    expect(res.status).toBe(200);
    expect((await snapshot(id)).row).toMatchObject({ platformName: "x", version: 2 });
  });

  it("refuses a stale body version with 409 and the current state, writing nothing", async () => {
    const id = await createSession();
    expect((await patch(id, { version: 1, platformName: "x" })).status).toBe(200);
    const before = await snapshot(id);

    const stale = await patch(id, { version: 1, platformName: "y", tier: "scale" });

    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: "version_conflict",
      expectedVersion: 1,
      currentVersion: 2,
      current: { version: 2 },
    });
    const after = await snapshot(id);
    expect(after.row).toMatchObject({ platformName: "x", tier: "starter", version: 2 });
    expect(after.row.updatedAt).toEqual(before.row.updatedAt);
    expect(after.audits).toBe(before.audits);
  });

  it("refuses a stale If-Match with 412, writing nothing", async () => {
    const id = await createSession();
    expect((await patch(id, { version: 1, platformName: "x" })).status).toBe(200);
    const before = await snapshot(id);

    const stale = await patch(id, { platformName: "y" }, { "if-match": '"1-owner"' });

    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "precondition_failed", currentVersion: 2 });
    expect(await snapshot(id)).toEqual(before);
  });

  it("refuses a write that went stale after it was read: the concurrent writer wins, nothing of the loser stays", async () => {
    const id = await createSession();
    const before = await snapshot(id);

    const loser = mutateSession({
      sessionId: id,
      expectedVersion: 1,
      versionSource: "body",
      actor: SYSTEM_ACTOR,
      action: "test.stale_write",
      change: async () => {
        // Another writer commits between this transaction's read and its versioned update.
        await db().onboardingSession.update({
          where: { id },
          data: { platformName: "winner", version: { increment: 1 } },
        });
        return { platformName: "loser", tier: "growth" };
      },
    });

    await expect(loser).rejects.toMatchObject({ code: "version_conflict", status: 409 });
    const after = await snapshot(id);
    expect(after.row).toMatchObject({ platformName: "winner", tier: "starter", version: before.row.version + 1 });
    expect(after.audits).toBe(before.audits);
  });
});
