// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/ with the
// SQL turning the schema of the newest migration into the current prisma/schema.prisma.
// The previous schema comes from the `schema.prisma` snapshot kept in each migration folder
// (Prisma ignores extra files), so no database or shadow database is needed.
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  defaultMigrationsDir,
  defaultSchemaPath,
  diffSchemas,
  isEmptyMigration,
  latestSchemaSnapshot,
  listMigrations,
  SNAPSHOT_NAME,
  writeMigration,
} from "@/lib/db/migrate";

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
  if (!name) {
    console.error("Usage: npm run db:new-migration -- <name>");
    process.exit(2);
  }
  const schema = await readFile(defaultSchemaPath(), "utf8");
  const previous = await latestSchemaSnapshot();
  if (!previous && (await listMigrations()).length > 0) {
    throw new Error(`No migration folder in ${defaultMigrationsDir()} keeps a ${SNAPSHOT_NAME} snapshot to diff from`);
  }
  const sql = await diffSchemas(previous?.schema ?? null, schema);
  if (isEmptyMigration(sql)) {
    console.log("No schema changes");
    return;
  }
  const folder = await writeMigration(name, sql, schema);
  console.log(
    `Created ${path.relative(process.cwd(), path.join(defaultMigrationsDir(), folder, "migration.sql"))}${previous ? ` (from ${previous.migration})` : ""}`,
  );
}

main().catch((err: unknown) => {
  console.error("db:new-migration failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
