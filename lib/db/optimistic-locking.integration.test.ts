import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "./client";

afterAll(async () => {
  await disconnectDb();
});

async function createSession() {
  const tag = randomBytes(4).toString("hex");
  const workspace = await db().workspace.create({ data: { slug: `ws-${tag}`, name: `Workspace ${tag}` } });
  const user = await db().user.create({ data: { email: `user-${tag}@example.test` } });
  return db().onboardingSession.create({
    data: { workspaceId: workspace.id, userId: user.id, platformName: "before", slug: `p-${tag}`, tier: "starter", steps: [] },
  });
}

describe("optimistic locking on OnboardingSession.version", () => {
  it("updates when the expected version matches and bumps it", async () => {
    const session = await createSession();
    expect(session.version).toBe(1);

    const res = await db().onboardingSession.updateMany({
      where: { id: session.id, version: 1 },
      data: { platformName: "x", version: { increment: 1 } },
    });

    expect(res.count).toBe(1);
    const after = await db().onboardingSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after).toMatchObject({ platformName: "x", version: 2 });
  });

  it("changes nothing when the version is stale", async () => {
    const session = await createSession();
    await db().onboardingSession.updateMany({ where: { id: session.id, version: 1 }, data: { platformName: "x", version: { increment: 1 } } });

    const stale = await db().onboardingSession.updateMany({
      where: { id: session.id, version: 1 },
      data: { platformName: "y", version: { increment: 1 } },
    });

    expect(stale.count).toBe(0);
    const after = await db().onboardingSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after).toMatchObject({ platformName: "x", version: 2 });
  });
});
