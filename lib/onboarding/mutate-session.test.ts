import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { SESSION_COLUMN_TYPES, sessionUpdateSql } from "./mutate-session";

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
