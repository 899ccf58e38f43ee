// Named statements against PostgreSQL: the hot reads are prepared once per connection, and a
// column added by a migration while the app runs does not break them (a prepared statement whose
// result columns change fails with "cached plan must not change result type").
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, dropDatabase } from "./embedded";
import { applyMigrations } from "./migrate";
import { closeSqlPool, sqlRead } from "./sql";
import { disconnectDb } from "./client";
import { createWorkspaceWithMember, type Member } from "@/test/fixtures";
import { createOnboarding, getOnboarding, patchOnboarding, startRun } from "@/test/onboarding-fixtures";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import { stopQueue } from "@/lib/queue/queue";

const serverUrl = inject("databaseServerUrl");
const sharedUrl = process.env.DATABASE_URL;
const name = `onramp_prep_${process.pid}_${randomBytes(4).toString("hex")}`;
let url: string;
let owner: Member;

async function resetPools() {
  await closeSqlPool();
  await disconnectDb();
}

/** The statements prepared on the plain pool's one connection (DATABASE_HOT_POOL_MAX=1). */
const prepared = () =>
  sqlRead<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements`, []);

beforeAll(async () => {
  url = await createScratchDatabase(serverUrl, name);
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  process.env.DATABASE_HOT_POOL_MAX = "1";
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await resetPools();
  process.env.DATABASE_URL = sharedUrl;
  delete process.env.DATABASE_HOT_POOL_MAX;
  delete process.env.DATABASE_PREPARED_STATEMENTS;
  await dropDatabase(serverUrl, name);
});

describe("named statements", () => {
  it("prepare a GET's reads once on the connection and reuse them", async () => {
    const { id } = await createOnboarding(owner.token);
    expect((await getOnboarding(owner.token, id)).status).toBe(200);
    const first = await prepared();
    const ours = first.filter((s) => s.name.startsWith("q"));
    expect(ours.map((s) => s.statement).join("\n")).toMatch(/FROM "OnboardingSession" s WHERE s."id" = \$1/);
    expect(ours.map((s) => s.statement).join("\n")).toMatch(/"ApiToken"/);

    // More GETs add nothing: the same names are executed again.
    for (let i = 0; i < 5; i++) expect((await getOnboarding(owner.token, id)).status).toBe(200);
    expect((await prepared()).length).toBe(first.length);
  });

  it("survive a column added while the app runs: reads, a versioned write and a run start still answer", async () => {
    const { id, version } = await createOnboarding(owner.token);
    const before = await getOnboarding(owner.token, id);
    expect(before.status).toBe(200);
    expect((await patchOnboarding(owner.token, id, { version, draft: { note: "before" } })).status).toBe(200);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      for (const table of ["OnboardingSession", "OperationRun", "OperationRunLog", "Platform", "Resource"])
        await admin.query(`ALTER TABLE "${table}" ADD COLUMN "addedLater" integer`);
    } finally {
      await admin.end();
    }

    const after = await getOnboarding(owner.token, id);
    expect(after.status).toBe(200);
    expect(after.body.draft).toEqual({ note: "before" });
    const saved = await patchOnboarding(owner.token, id, { version: version + 1, draft: { note: "after" } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).not.toHaveProperty("addedLater");
    await startRun(verify.POST, owner.token, id, saved.body.version);
    expect((await getOnboarding(owner.token, id)).body.lifecycleState).toBe("verifying");
  });

  it("are not used with DATABASE_PREPARED_STATEMENTS=false", async () => {
    process.env.DATABASE_PREPARED_STATEMENTS = "false";
    await resetPools();
    const { id } = await createOnboarding(owner.token);
    expect((await getOnboarding(owner.token, id)).status).toBe(200);
    expect(await prepared()).toEqual([]);
  });
});
