import { describe, expect, it } from "vitest";
import { compareCatalogs, normalise } from "./drift";

describe("compareCatalogs", () => {
  it("reports missing, extra and changed objects", () => {
    const fromMigrations = new Map([
      ["column a.x", "text not null"],
      ["index a.a_idx", "CREATE INDEX a_idx ON a USING btree (x)"],
      ["enum e", "one, two"],
    ]);
    const fromSchema = new Map([
      ["column a.x", "text not null"],
      ["column a.y", "int4 null"],
      ["enum e", "one, two, three"],
    ]);
    expect(compareCatalogs(fromMigrations, fromSchema)).toEqual([
      "column a.y: in schema.prisma but not created by the migrations (int4 null)",
      'enum e: migrations give "one, two", schema.prisma gives "one, two, three"',
      "index a.a_idx: created by the migrations but not in schema.prisma (CREATE INDEX a_idx ON a USING btree (x))",
    ]);
  });

  it("finds nothing in identical catalogs", () => {
    const catalog = new Map([["column a.x", "text"]]);
    expect(compareCatalogs(catalog, new Map(catalog))).toEqual([]);
  });
});

describe("normalise", () => {
  it("drops the schema qualifier and extra spaces", () => {
    expect(normalise('CREATE INDEX i ON public."T"  USING btree ("a")')).toBe(
      'CREATE INDEX i ON "T" USING btree ("a")',
    );
  });
});
