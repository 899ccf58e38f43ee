// Applies and generates migrations in Prisma's own layout (prisma/migrations/<ts>_<name>/
// migration.sql, migration_lock.toml, the `_prisma_migrations` table), through the schema
// engine's WebAssembly build, so that `prisma migrate deploy` stays interchangeable with this.
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { sleep } from "./lock-file";
import { withEngine, withEngineOver } from "./schema-engine";

export type MigrateOptions = {
  /** Defaults to `<cwd>/prisma/migrations`. */
  migrationsDir?: string;
  log?: (message: string) => void;
  /** How long to wait for another process that is applying migrations. */
  lockTimeoutMs?: number;
};

export type MigrationFolder = { name: string; sql: string };

export const LOCKFILE_NAME = "migration_lock.toml";
export const SNAPSHOT_NAME = "schema.prisma";
const NO_FILTERS = { externalTables: [], externalEnums: [] };
/**
 * Not Prisma's own key (72707369), which the engine may take inside `applyMigrations`: holding
 * that one on another connection would deadlock against ourselves.
 */
const MIGRATION_LOCK_KEY = "7365746570001";

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

export function defaultSchemaPath(): string {
  return path.join(process.cwd(), "prisma", "schema.prisma");
}

/** Migration folders in the order Prisma applies them (by name, i.e. by timestamp). */
export async function listMigrations(dir = defaultMigrationsDir()): Promise<MigrationFolder[]> {
  if (!existsSync(/*turbopackIgnore: true*/ dir)) return [];
  const entries = await fs.readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && existsSync(/*turbopackIgnore: true*/ path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name);
  names.sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      sql: await fs.readFile(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8"),
    })),
  );
}

export async function applyMigrations(url: string, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const dir = opts.migrationsDir ?? defaultMigrationsDir();
  const migrations = await listMigrations(dir);
  const lockfile = await readLockfile(dir);
  return withMigrationLock(url, opts.lockTimeoutMs ?? 120_000, async () => {
    const out = await withEngine(url, undefined, (engine) =>
      engine.applyMigrations({
        migrationsList: {
          baseDir: dir,
          lockfile: { path: LOCKFILE_NAME, content: lockfile },
          shadowDbInitScript: "",
          migrationDirectories: migrations.map((m) => ({
            path: m.name,
            migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: m.sql } },
          })),
        },
        filters: NO_FILTERS,
      }),
    );
    for (const name of out.appliedMigrationNames) opts.log?.(`Applied migration ${name}`);
    return { applied: out.appliedMigrationNames };
  });
}

async function readLockfile(dir: string): Promise<string> {
  try {
    return await fs.readFile(/*turbopackIgnore: true*/ path.join(dir, LOCKFILE_NAME), "utf8");
  } catch {
    throw new Error(`${path.join(dir, LOCKFILE_NAME)} is missing (it must say provider = "postgresql")`);
  }
}

/**
 * Serialises migrations across processes (web app, worker, tests starting together) with an
 * advisory lock held on its own connection; it disappears with the connection if we crash.
 */
async function withMigrationLock<T>(url: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await tryLock(client))) {
      if (Date.now() > deadline)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for another process to finish migrating`);
      await sleep(100);
    }
    try {
      return await fn();
    } finally {
      await client.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function tryLock(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1::bigint) as locked", [
    MIGRATION_LOCK_KEY,
  ]);
  return rows[0]?.locked === true;
}

/** Names of applied migrations and those still pending, without touching the schema engine. */
export async function migrationStatus(
  url: string,
  opts: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<{ applied: number; pending: string[] }> {
  const folders = await listMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows: exists } = await client.query<{ t: string | null }>(
      "select to_regclass('public._prisma_migrations')::text as t",
    );
    if (!exists[0]?.t) return { applied: 0, pending: folders.map((f) => f.name) };
    const { rows } = await client.query<{ migration_name: string }>(
      "select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null",
    );
    const done = new Set(rows.map((r) => r.migration_name));
    return { applied: done.size, pending: folders.map((f) => f.name).filter((n) => !done.has(n)) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Generating migrations

/**
 * The SQL that turns a database matching `fromSchemaText` (null: an empty database) into one
 * matching `toSchemaText`; what `prisma migrate diff --script` prints. Needs no database.
 */
export async function diffSchemas(fromSchemaText: string | null, toSchemaText: string): Promise<string> {
  const result = await withEngineOver(offlineAdapterFactory(), (engine) =>
    engine.diff({
      from: fromSchemaText === null ? { tag: "empty" } : datamodel(fromSchemaText),
      to: datamodel(toSchemaText),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  return result.stdout ?? "";
}

function datamodel(content: string) {
  return { tag: "schemaDatamodel" as const, files: [{ path: SNAPSHOT_NAME, content }] };
}

/** True for the engine's "-- This is an empty migration." and other comment-only scripts. */
export function isEmptyMigration(sql: string): boolean {
  return sql
    .split("\n")
    .map((l) => l.trim())
    .every((l) => l === "" || l.startsWith("--"));
}

/**
 * Comparing two Prisma schemas involves no database, but the engine insists on a connection
 * when it starts and only asks for the server version. This adapter answers that one question
 * (as the PostgreSQL 18 we run) and refuses everything else, so a diff can never touch a real
 * database by accident.
 */
function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const refuse = async (): Promise<never> => {
    throw new Error("diffSchemas works offline; the schema engine unexpectedly tried to use the database");
  };
  const adapter: SqlDriverAdapter = {
    provider: "postgres",
    adapterName: "onramp-offline",
    getConnectionInfo: () => ({ schemaName: "public", supportsRelationJoins: true }),
    queryRaw: async (query: SqlQuery): Promise<SqlResultSet> => {
      if (!query.sql.includes("server_version_num")) return refuse();
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [5, 7, 0],
        rows: [[true, "PostgreSQL 18.4", 180004]],
      };
    },
    executeRaw: refuse,
    executeScript: refuse,
    startTransaction: refuse,
    dispose: async () => undefined,
  };
  return {
    provider: "postgres",
    adapterName: "onramp-offline",
    connect: async () => adapter,
    connectToShadowDb: refuse,
  };
}

/** Newest migration folder that keeps the schema it was generated from (`schema.prisma`). */
export async function latestSchemaSnapshot(
  dir = defaultMigrationsDir(),
): Promise<{ migration: string; schema: string } | null> {
  const folders = await listMigrations(dir);
  for (const { name } of [...folders].reverse()) {
    const file = path.join(dir, name, SNAPSHOT_NAME);
    if (existsSync(/*turbopackIgnore: true*/ file)) return { migration: name, schema: await fs.readFile(file, "utf8") };
  }
  return null;
}

/** `20261122190000`: the UTC timestamp prefix `prisma migrate dev` gives folders. */
export function migrationTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

export const MIGRATION_LOCKFILE_CONTENT = `# Please do not edit this file manually
# It should be added in your version-control system (e.g., Git)
provider = "postgresql"
`;

/** Writes `<dir>/<timestamp>_<name>/{migration.sql,schema.prisma}`; returns the folder name. */
export async function writeMigration(
  name: string,
  sql: string,
  schemaText: string,
  dir = defaultMigrationsDir(),
  date = new Date(),
): Promise<string> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`Invalid migration name: ${JSON.stringify(name)}`);
  const folder = `${nextTimestamp(await listMigrations(dir), date)}_${slug}`;
  await fs.mkdir(path.join(dir, folder), { recursive: true });
  if (!existsSync(/*turbopackIgnore: true*/ path.join(dir, LOCKFILE_NAME)))
    await fs.writeFile(path.join(dir, LOCKFILE_NAME), MIGRATION_LOCKFILE_CONTENT);
  await fs.writeFile(path.join(dir, folder, "migration.sql"), sql);
  await fs.writeFile(path.join(dir, folder, SNAPSHOT_NAME), schemaText);
  return folder;
}

/** Folders sort by name, so a new one must sort after the last even if clocks disagree. */
function nextTimestamp(existing: MigrationFolder[], date: Date): string {
  const last = existing.at(-1)?.name.slice(0, 14);
  let ts = migrationTimestamp(date);
  if (last && /^\d{14}$/.test(last) && ts <= last) ts = String(BigInt(last) + 1n);
  return ts;
}
