// Drift check: do the committed migrations produce the database prisma/schema.prisma describes?
//
// `prisma migrate diff --from-migrations` would answer this by introspecting a shadow database,
// which the WebAssembly engine cannot do here (see ENVIRONMENT.md). Instead two scratch
// databases are built, one by applying the migrations and one from the schema's own CREATE
// script, and their catalogs are compared.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { createScratchDatabase, dropDatabase } from "./embedded";
import { applyMigrations, defaultSchemaPath, diffSchemas } from "./migrate";

export type DriftOptions = {
  /** Compare against this schema instead of prisma/schema.prisma (tests). */
  schemaText?: string;
  migrationsDir?: string;
};

type Catalog = Map<string, string>;

export async function checkDrift(baseUrl: string, opts: DriftOptions = {}): Promise<string[]> {
  const schema = opts.schemaText ?? (await readFile(defaultSchemaPath(), "utf8"));
  const suffix = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const fromMigrations = `onramp_drift_m_${suffix}`;
  const fromSchema = `onramp_drift_s_${suffix}`;
  try {
    const migratedUrl = await createScratchDatabase(baseUrl, fromMigrations);
    await applyMigrations(migratedUrl, { migrationsDir: opts.migrationsDir });
    const schemaUrl = await createScratchDatabase(baseUrl, fromSchema);
    await runScript(schemaUrl, await diffSchemas(null, schema));
    return compareCatalogs(await readCatalog(migratedUrl), await readCatalog(schemaUrl));
  } finally {
    await dropDatabase(baseUrl, fromMigrations).catch(() => undefined);
    await dropDatabase(baseUrl, fromSchema).catch(() => undefined);
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function runScript(url: string, sql: string): Promise<void> {
  // A parameterless query may hold many statements (simple query protocol).
  await withClient(url, (c) => c.query(sql));
}

// Everything in `public` except Prisma's bookkeeping table, one row per object: key, definition.
const CATALOG_QUERIES: Record<string, string> = {
  column: `
    select format('%I.%I', table_name, column_name) as key,
           concat_ws(' ', udt_name, 'len=' || character_maximum_length, 'prec=' || numeric_precision || ',' || numeric_scale,
                     'dtprec=' || datetime_precision, case is_nullable when 'NO' then 'not null' else 'null' end,
                     'default ' || column_default, 'identity ' || identity_generation) as def
      from information_schema.columns
     where table_schema = 'public' and table_name <> '_prisma_migrations'`,
  constraint: `
    select format('%I.%I', t.relname, c.conname) as key, c.contype::text || ' ' || pg_get_constraintdef(c.oid, true) as def
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
     -- PostgreSQL 18 also lists NOT NULL as constraints, named after the column when it was
     -- created (a renamed column keeps the old name); nullability is compared with the columns.
     where n.nspname = 'public' and t.relname <> '_prisma_migrations' and c.contype <> 'n'`,
  index: `
    select format('%I.%I', tablename, indexname) as key, indexdef as def
      from pg_indexes
     where schemaname = 'public' and tablename <> '_prisma_migrations'`,
  enum: `
    select format('%I', t.typname) as key, string_agg(e.enumlabel, ', ' order by e.enumsortorder) as def
      from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
     where n.nspname = 'public'
     group by t.typname`,
};

export async function readCatalog(url: string): Promise<Catalog> {
  return withClient(url, async (client) => {
    const catalog: Catalog = new Map();
    for (const [kind, sql] of Object.entries(CATALOG_QUERIES)) {
      const { rows } = await client.query<{ key: string; def: string }>(sql);
      for (const row of rows) catalog.set(`${kind} ${row.key}`, normalise(row.def));
    }
    return catalog;
  });
}

/** Removes what differs between equivalent databases: schema qualifiers and spacing. */
export function normalise(definition: string): string {
  return definition
    .replace(/\bpublic\./g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Human-readable differences; empty when the two catalogs describe the same database. */
export function compareCatalogs(fromMigrations: Catalog, fromSchema: Catalog): string[] {
  const keys = [...new Set([...fromMigrations.keys(), ...fromSchema.keys()])].sort();
  const diffs: string[] = [];
  for (const key of keys) {
    const m = fromMigrations.get(key);
    const s = fromSchema.get(key);
    if (m === s) continue;
    if (m === undefined) diffs.push(`${key}: in schema.prisma but not created by the migrations (${s})`);
    else if (s === undefined) diffs.push(`${key}: created by the migrations but not in schema.prisma (${m})`);
    else diffs.push(`${key}: migrations give "${m}", schema.prisma gives "${s}"`);
  }
  return diffs;
}
