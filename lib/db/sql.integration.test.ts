// The plain pg reads (lib/db/sql.ts) see rows exactly as Prisma does: timestamps as the same
// instants (UTC, whatever the process's time zone), JSON parsed, enums as strings. Its
// transactions (sqlTransaction) commit together or not at all, and survive a lost connection.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "./client";
import { sqlRead, sqlTransaction } from "./sql";
import { isUniqueViolation } from "./errors";
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

describe("sqlTransaction", () => {
  const platformRows = (slug: string) =>
    sqlRead<{ slug: string; createdAt: Date }>(`SELECT "slug", "createdAt" FROM "Platform" WHERE "slug" = $1`, [slug]);
  const insertPlatform = (workspaceId: string, slug: string, at: Date) =>
    `INSERT INTO "Platform" ("id", "workspaceId", "slug", "tier", "createdAt", "updatedAt")
     VALUES ('${uniqueId("p")}', '${workspaceId}', '${slug}', 'starter'::"Tier", '${at.toISOString()}'::timestamp, now())`;

  it("commits every statement together, with Dates sent as UTC in any time zone", async () => {
    process.env.TZ = "Asia/Kolkata";
    const { workspace } = await createWorkspaceWithMember("owner");
    const [a, b] = [uniqueId("a"), uniqueId("b")];
    const at = new Date("2026-12-03T10:00:00.250Z");
    const counted = await sqlTransaction(async (tx) => {
      await tx.$executeRawUnsafe(insertPlatform(workspace.id, a, at));
      const n = await tx.$executeRawUnsafe(
        `INSERT INTO "Platform" ("id", "workspaceId", "slug", "tier", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, 'starter'::"Tier", $4::timestamp, now())`,
        uniqueId("p"),
        workspace.id,
        b,
        at,
      );
      // Inside, the transaction sees its own rows; outside, nobody does yet.
      expect(await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "Platform" WHERE "slug" = $1`, a)).toHaveLength(1);
      expect(await platformRows(a)).toHaveLength(0);
      return n;
    });
    expect(counted).toBe(1);
    expect((await platformRows(a))[0].createdAt.getTime()).toBe(at.getTime());
    // A Date parameter lands as the same instant (pg alone would send local time: 5.5 h off here).
    expect((await platformRows(b))[0].createdAt.getTime()).toBe(at.getTime());
  });

  it("rolls everything back when a statement fails, and rethrows pg's error", async () => {
    const { workspace } = await createWorkspaceWithMember("owner");
    const [a, taken] = [uniqueId("a"), uniqueId("t")];
    await sqlTransaction((tx) => tx.$executeRawUnsafe(insertPlatform(workspace.id, taken, new Date())));
    const err = await sqlTransaction(async (tx) => {
      await tx.$executeRawUnsafe(insertPlatform(workspace.id, a, new Date()));
      await tx.$executeRawUnsafe(insertPlatform(workspace.id, taken, new Date()));
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(err, "slug")).toBe(true);
    expect(isUniqueViolation(err, "activeKey")).toBe(false);
    expect(await platformRows(a)).toHaveLength(0);
  });

  it("bounds each statement's wait inside the transaction only", async () => {
    const timeout = (rows: { statement_timeout: string }[]) => rows[0].statement_timeout;
    expect(timeout(await sqlTransaction((tx) => tx.$queryRawUnsafe(`SHOW statement_timeout`)))).toBe("15s");
    // SET LOCAL ends with the transaction: the pool's connections are as they were.
    const after = await Promise.all(Array.from({ length: 8 }, () => sqlRead(`SHOW statement_timeout`, [])));
    expect(after.map((r) => timeout(r as { statement_timeout: string }[]))).toEqual(Array(8).fill("0"));
  });

  it("gives up a connection lost mid-transaction, and the next transaction gets a working one", async () => {
    const { workspace } = await createWorkspaceWithMember("owner");
    const a = uniqueId("a");
    const err = await sqlTransaction(async (tx) => {
      await tx.$executeRawUnsafe(insertPlatform(workspace.id, a, new Date()));
      const [{ pid }] = await tx.$queryRawUnsafe<{ pid: number }[]>(`SELECT pg_backend_pid() AS "pid"`);
      await db().$executeRawUnsafe(`SELECT pg_terminate_backend($1)`, pid);
      await tx.$queryRawUnsafe(`SELECT 1`);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await platformRows(a)).toHaveLength(0);
    // Every connection of the pool still answers (a broken one would fail one of these).
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        sqlTransaction((tx) => tx.$queryRawUnsafe<{ one: number }[]>(`SELECT 1 AS "one"`)),
      ),
    );
    expect(results.every((r) => r[0].one === 1)).toBe(true);
  });
});
