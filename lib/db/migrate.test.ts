import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  diffSchemas,
  isEmptyMigration,
  latestSchemaSnapshot,
  listMigrations,
  migrationTimestamp,
  writeMigration,
} from "./migrate";

const base = `datasource db {\n  provider = "postgresql"\n}\n`;
const v1 = `${base}\nmodel Item {\n  id   String @id\n  name String\n}\n`;
const v2 = `${base}\nmodel Item {\n  id    String  @id\n  name  String\n  notes String?\n}\n`;

describe("diffSchemas (offline schema engine)", () => {
  it("creates everything from an empty database", async () => {
    const sql = await diffSchemas(null, v1);
    expect(sql).toContain('CREATE TABLE "Item"');
    expect(sql).toContain('CONSTRAINT "Item_pkey" PRIMARY KEY ("id")');
  });

  it("alters from one schema to the next", async () => {
    const sql = await diffSchemas(v1, v2);
    expect(sql).toMatch(/ALTER TABLE "Item" ADD COLUMN\s+"notes" TEXT/);
    expect(sql).not.toContain("CREATE TABLE");
  });

  it("is empty for identical schemas", async () => {
    expect(isEmptyMigration(await diffSchemas(v2, v2))).toBe(true);
  });

  it("rejects an invalid schema with the engine's message", async () => {
    await expect(diffSchemas(null, `${base}\nmodel Broken {\n  id Int\n}\n`)).rejects.toThrow(/unique criteria|@id/i);
  });
});

describe("isEmptyMigration", () => {
  it("treats comments and blank lines as empty", () => {
    expect(isEmptyMigration("-- This is an empty migration.\n")).toBe(true);
    expect(isEmptyMigration("\n  \n")).toBe(true);
    expect(isEmptyMigration("-- AddColumn\nALTER TABLE x ADD COLUMN y int;\n")).toBe(false);
  });
});

describe("migration folders", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "onramp-migrations-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("formats timestamps like prisma migrate dev", () => {
    expect(migrationTimestamp(new Date("2026-11-22T19:00:05.123Z"))).toBe("20261122190005");
  });

  it("writes Prisma's layout plus a schema snapshot, and keeps folders ordered", async () => {
    const at = new Date("2026-11-22T19:00:00Z");
    const first = await writeMigration("Init", "CREATE TABLE a ();\n", v1, dir, at);
    // Same clock reading (or a clock behind): still sorts after the first.
    const second = await writeMigration("add notes!", "ALTER TABLE a;\n", v2, dir, at);

    expect(first).toBe("20261122190000_init");
    expect(second).toBe("20261122190001_add_notes");
    expect((await readdir(dir)).sort()).toEqual([first, second, "migration_lock.toml"]);
    expect(await readFile(path.join(dir, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
    expect((await listMigrations(dir)).map((m) => m.name)).toEqual([first, second]);
    expect(await latestSchemaSnapshot(dir)).toEqual({ migration: second, schema: v2 });
  });

  it("has no snapshot and no migrations in an empty folder", async () => {
    expect(await listMigrations(path.join(dir, "missing"))).toEqual([]);
    expect(await latestSchemaSnapshot(dir)).toBeNull();
  });
});
