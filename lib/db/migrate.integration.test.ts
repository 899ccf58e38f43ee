import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, dropDatabase } from "./embedded";
import { applyMigrations, defaultMigrationsDir, listMigrations, migrationStatus } from "./migrate";

const serverUrl = inject("databaseServerUrl");
const created: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `onramp_mig_${process.pid}_${randomBytes(4).toString("hex")}`;
  created.push(name);
  return createScratchDatabase(serverUrl, name);
}

async function migrationRows(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "select migration_name, checksum, finished_at, rolled_back_at, applied_steps_count from _prisma_migrations order by migration_name",
    );
    return rows as {
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }[];
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  for (const name of created.splice(0)) await dropDatabase(serverUrl, name);
});

describe("applyMigrations", () => {
  it("applies every migration to an empty database, then nothing on a second run", async () => {
    const url = await freshDatabase();
    const folders = (await listMigrations()).map((m) => m.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(await migrationStatus(url)).toEqual({ applied: 0, pending: folders });

    expect((await applyMigrations(url)).applied).toEqual(folders);
    expect((await applyMigrations(url)).applied).toEqual([]);

    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      // What `prisma migrate deploy` records: sha256 of migration.sql, a finish time.
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await migrationStatus(url)).toEqual({ applied: folders.length, pending: [] });
  });

  it("applies once when two callers migrate the same fresh database at the same time", async () => {
    const url = await freshDatabase();
    const folders = (await listMigrations()).map((m) => m.name);
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);

    expect(results.flatMap((r) => r.applied).sort()).toEqual(folders);
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect((await migrationRows(url)).map((r) => r.migration_name)).toEqual(folders);
  });

  it("reports a failing migration and records it as failed, like prisma migrate deploy", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "onramp-migrations-"));
    try {
      await cp(defaultMigrationsDir(), dir, { recursive: true });
      await mkdir(path.join(dir, "29990101000000_broken"));
      await writeFile(
        path.join(dir, "29990101000000_broken", "migration.sql"),
        'ALTER TABLE "NoSuchTable" ADD COLUMN x int;\n',
      );

      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
        /NoSuchTable[\s\S]*29990101000000_broken/,
      );
      const broken = (await migrationRows(url)).find((r) => r.migration_name === "29990101000000_broken");
      expect(broken?.finished_at).toBeNull();
      expect(await migrationStatus(url, { migrationsDir: dir })).toMatchObject({ pending: ["29990101000000_broken"] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
