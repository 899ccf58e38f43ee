import { describe, expect, it } from "vitest";
import { columnList, statementName } from "./statements";

describe("statementName", () => {
  it("names a text by its content: the same text the same name, another text another", () => {
    const a = statementName(`SELECT "id" FROM "Platform" WHERE "id" = $1`, 1);
    expect(a).toMatch(/^q[\w-]{27}$/);
    expect(statementName(`SELECT "id" FROM "Platform" WHERE "id" = $1`, 1)).toBe(a);
    expect(statementName(`SELECT "slug" FROM "Platform" WHERE "id" = $1`, 1)).not.toBe(a);
    // PostgreSQL truncates names at 63 bytes: two texts must never share one.
    expect(a!.length).toBeLessThan(64);
  });

  it("leaves a row wildcard unnamed: its result columns change when a migration adds one", () => {
    for (const text of [
      `SELECT * FROM "Platform" WHERE "id" = $1`,
      `SELECT s.*, 1 FROM "OnboardingSession" s WHERE s."id" = $1`,
      `SELECT x, "r".* FROM r WHERE "id" = $1`,
      `UPDATE "Platform" SET "slug" = $2 WHERE "id" = $1 RETURNING *`,
      `WITH c AS (UPDATE t SET a = $1 RETURNING *) SELECT c.* FROM c`,
    ])
      expect(statementName(text, 1), text).toBeUndefined();
    expect(statementName(`SELECT count(*)::int AS n FROM "Platform" WHERE "workspaceId" = $1`, 1)).toBeDefined();
    expect(statementName(`SELECT COUNT(*), max("x") FROM t WHERE a = $1`, 1)).toBeDefined();
  });

  it("leaves texts without parameters and long IN lists unnamed", () => {
    expect(statementName("BEGIN", 0)).toBeUndefined();
    expect(statementName("SET LOCAL lock_timeout = 1000; SELECT pg_advisory_xact_lock(1)", 0)).toBeUndefined();
    const list = Array.from({ length: 40 }, (_, i) => `$${i + 1}`).join(", ");
    expect(statementName(`SELECT "id" FROM t WHERE "id" IN (${list})`, 40)).toBeUndefined();
  });
});

describe("columnList", () => {
  it("quotes every column, with the alias when given", () => {
    expect(columnList({ id: "id", workspaceId: "workspaceId" })).toBe(`"id", "workspaceId"`);
    expect(columnList({ id: "id", slug: "slug" }, "s")).toBe(`s."id", s."slug"`);
  });
});
