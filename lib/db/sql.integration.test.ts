// The plain pg reads (lib/db/sql.ts) see rows exactly as Prisma does: timestamps as the same
// instants (UTC, whatever the process's time zone), JSON parsed, enums as strings.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "./client";
import { sqlRead } from "./sql";
import { createWorkspaceWithMember, uniqueId } from "@/test/fixtures";

const tz = process.env.TZ;
afterAll(() => {
  process.env.TZ = tz;
});

describe("sqlRead", () => {
  it("reads timestamps, JSON and enums as Prisma does, in any time zone", async () => {
    process.env.TZ = "America/Los_Angeles";
    const { workspace, user } = await createWorkspaceWithMember("owner");
    const session = await db().onboardingSession.create({
      data: {
        workspaceId: workspace.id,
        userId: user.id,
        steps: [],
        platformName: "P",
        slug: uniqueId("s"),
        tier: "starter",
        draft: { note: "x", n: [1, 2] },
      },
    });
    const [row] = await sqlRead<{ createdAt: Date; draft: unknown; tier: string; version: number }>(
      `SELECT "createdAt", "draft", "tier", "version" FROM "OnboardingSession" WHERE "id" = $1`,
      [session.id],
    );
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(row.createdAt.getTime()).toBe(session.createdAt.getTime());
    expect(row.draft).toEqual({ note: "x", n: [1, 2] });
    expect(row.tier).toBe("starter");
    expect(row.version).toBe(session.version);
  });
});
