import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Prisma, type OnboardingSession } from "@/lib/generated/prisma/client";
import { diffForAudit, SESSION_COLUMN_TYPES, sessionInsertSql, sessionUpdateSql } from "./mutate-session";

/** OnboardingSession's scalar columns and their Prisma types, read from the schema. */
function schemaColumns(): Map<string, string> {
  const schema = readFileSync("prisma/schema.prisma", "utf8");
  const model = /model OnboardingSession \{([\s\S]*?)\n\}/.exec(schema)![1];
  const columns = new Map<string, string>();
  for (const line of model.split("\n")) {
    const m = /^\s+(\w+)\s+(\w+)(\?|\[\])?/.exec(line);
    if (m && !line.trim().startsWith("//") && !line.trim().startsWith("@@") && m[3] !== "[]") columns.set(m[1], m[2]);
  }
  return columns;
}

describe("sessionUpdateSql", () => {
  it("knows the SQL type of every column of the schema that is not text", () => {
    const expected: Record<string, string> = {};
    for (const [column, type] of schemaColumns()) {
      if (type === "String" || /^[A-Z]/.test(type) === false) continue;
      if (type === "Json") expected[column] = "jsonb";
      else if (type === "Int") expected[column] = "int";
      else if (type === "DateTime") expected[column] = "timestamp";
      else if (type === "Boolean") expected[column] = "boolean";
      else if (["Tier", "SessionStatus", "LifecycleState", "Checkpoint"].includes(type)) expected[column] = `"${type}"`;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(SESSION_COLUMN_TYPES).toEqual(expected);
  });

  it("writes plain values, JSON, UTC timestamps and nulls as parameters after $3", () => {
    const at = new Date("2026-12-02T21:00:00.123Z");
    const { set, values } = sessionUpdateSql({
      platformName: "Acme",
      lifecycleState: "verifying",
      steps: [{ key: "a" }],
      simulation: Prisma.DbNull,
      reasonCode: null,
      updatedAt: at,
      version: 3,
      slug: undefined,
    });
    expect(set).toBe(
      '"platformName" = $4, "lifecycleState" = $5::"LifecycleState", "steps" = $6::jsonb, "simulation" = $7::jsonb, "reasonCode" = $8, "updatedAt" = $9::timestamp, "version" = $10::int',
    );
    expect(values).toEqual(["Acme", "verifying", '[{"key":"a"}]', null, null, "2026-12-02T21:00:00.123", 3]);
  });

  it("refuses what it cannot write as a value", () => {
    expect(() => sessionUpdateSql({ progress: { increment: 1 } })).toThrow(/unsupported update of progress/);
    expect(() => sessionUpdateSql({ 'x"; DROP': 1 })).toThrow(/not a session column/);
  });
});

describe("sessionInsertSql", () => {
  it("inserts the defined columns with their types, from $1, and its audit row from the inserted row", () => {
    const { sql, values } = sessionInsertSql(
      {
        id: "c1",
        tier: "growth",
        draft: {},
        simulation: undefined,
        stackTemplateId: null,
        updatedAt: new Date("2026-12-03T10:00:00.5Z"),
      },
      {
        actor: { userId: "u1", label: "a@b.c" },
        entry: { workspaceId: "w1", action: "onboarding.created", targetType: "onboarding_session", targetId: "c1" },
      },
    );
    expect(sql).toMatch(
      /INSERT INTO "OnboardingSession" \("id", "tier", "draft", "stackTemplateId", "updatedAt"\) VALUES \(\$1, \$2::"Tier", \$3::jsonb, \$4, \$5::timestamp\)/,
    );
    // The audit row's parameters follow the row's, and it is written only with the row.
    expect(sql).toMatch(/audit AS \(INSERT INTO "AuditEvent" [\s\S]*SELECT \$6::text[\s\S]* FROM i\)/);
    expect(values.slice(0, 5)).toEqual(["c1", "growth", "{}", null, "2026-12-03T10:00:00.500"]);
    expect(values).toContain("onboarding.created");
  });
});

describe("diffForAudit", () => {
  const row = (over: Record<string, unknown>) =>
    ({ platformName: "Acme", slug: "acme", draft: {}, status: "pending", ...over }) as unknown as OnboardingSession;

  it("names the fields that changed, from and to", () => {
    expect(diffForAudit(row({}), row({ slug: "acme-2", status: "in_progress" }))).toEqual({
      changes: { slug: { from: "acme", to: "acme-2" }, status: { from: "pending", to: "in_progress" } },
    });
  });

  it("sees no change in JSON whose keys are listed in another order (jsonb keeps its own order)", () => {
    const read = row({ draft: { b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } } });
    const written = row({ draft: { a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 } });
    expect(diffForAudit(read, written)).toEqual({ changes: {} });
    expect(diffForAudit(read, row({ draft: { a: { x: null, y: [{ c: 3, d: 2 }, 1] }, b: 1 } }))).toMatchObject({
      changes: { draft: { from: read.draft } },
    });
  });
});
