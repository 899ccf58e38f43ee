// In-memory state of the fake Cloudflare API: accounts with their D1 databases, Worker
// scripts and Pages projects, and the error answers Cloudflare gives about them (codes and
// statuses as the real API and wrangler report them).
import { randomBytes, randomUUID } from "node:crypto";

/** The permission groups the provider needs, by their dashboard names. */
export type FakePermission = "account_settings" | "d1" | "workers_scripts" | "pages";
export const ALL_PERMISSIONS: FakePermission[] = ["account_settings", "d1", "workers_scripts", "pages"];

export class CfError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// The answers Cloudflare gives, with their codes.
export const errors = {
  invalidToken: () => new CfError(401, 1000, "Invalid API Token"),
  authentication: () => new CfError(403, 10000, "Authentication error"),
  accountUnauthorized: () => new CfError(403, 9109, "Unauthorized to access requested resource"),
  rateLimited: (retryAfter: number) =>
    new CfError(429, 971, "Please wait and consider throttling your request speed", {
      "retry-after": String(retryAfter),
    }),
  serverError: (status = 500) => new CfError(status, 10001, "Internal server error"),
  d1NotFound: (id: string) => new CfError(404, 7404, `The database ${id} could not be found`),
  d1NameTaken: () => new CfError(400, 7502, "A database with that name already exists"),
  d1Limit: (limit: number) => new CfError(400, 7406, `System limit reached: databases per account (${limit})`),
  d1Query: (message: string) => new CfError(400, 7500, `${message}: SQLITE_ERROR`),
  scriptNotFound: () => new CfError(404, 10007, "This Worker does not exist on your account."),
  badScript: (message: string) => new CfError(400, 10021, message),
  secretNotFound: () => new CfError(404, 10056, "This secret does not exist on the Worker."),
  projectNotFound: () =>
    new CfError(
      404,
      8000007,
      "Project not found. The specified project name does not match any of your existing projects.",
    ),
  projectNameTaken: () =>
    new CfError(409, 8000002, "A project with this name already exists. Choose a different project name."),
  deploymentNotFound: () =>
    new CfError(
      404,
      8000009,
      "The deployment ID you have specified does not exist. Update the deployment ID and try again.",
    ),
  badRequest: (message: string) => new CfError(400, 8000000, message),
  routeNotFound: () =>
    new CfError(404, 7003, "Could not route to the requested path, perhaps your object identifier is invalid?"),
};

export interface Table {
  columns: string[];
  rows: Record<string, unknown>[];
}
export interface Database {
  uuid: string;
  name: string;
  createdAt: string;
  tables: Map<string, Table>;
}
export interface Script {
  id: string;
  tags: string[];
  mainModule: string;
  bindings: Record<string, unknown>[];
  content: string;
  compatibilityDate?: string;
  secrets: Map<string, { type: string; text: string }>;
  createdOn: string;
  modifiedOn: string;
}
export type StageName = "queued" | "initialize" | "clone_repo" | "build" | "deploy";
export interface Deployment {
  id: string;
  shortId: string;
  createdOn: string;
  branch: string;
  source: "github" | "direct_upload";
  manifest: Record<string, string>;
  /** GETs left before it finishes. */
  pollsLeft: number;
  outcome: "success" | "failure";
}
export interface Project {
  id: string;
  name: string;
  subdomain: string;
  productionBranch: string;
  source: Record<string, unknown> | null;
  deploymentConfigs: Record<string, unknown>;
  buildConfig: Record<string, unknown>;
  createdOn: string;
  deployments: Deployment[];
  uploadedHashes: Set<string>;
}
export interface Account {
  id: string;
  name: string;
  d1Limit: number;
  databases: Map<string, Database>;
  scripts: Map<string, Script>;
  projects: Map<string, Project>;
}

export const now = () => new Date().toISOString();
export const newUuid = () => randomUUID();
export const newHex = (bytes: number) => randomBytes(bytes).toString("hex");

/** The few statements the provider sends, so a "database" can hold a marker table. */
export function runSql(db: Database, sql: string, params: unknown[]): Record<string, unknown>[] {
  const text = sql.trim().replace(/;$/, "").trim();
  if (/^select\s+1(\s+as\s+\w+)?$/i.test(text)) {
    const alias = /\s+as\s+(\w+)$/i.exec(text)?.[1] ?? "1";
    return [{ [alias]: 1 }];
  }
  if (/^select\s+name\s+from\s+sqlite_master\s+where\s+type\s*=\s*'table'/i.test(text)) {
    return [...db.tables.keys()].map((name) => ({ name }));
  }
  const create = /^create\s+table\s+(if\s+not\s+exists\s+)?(\w+)\s*\(([^)]*)\)/i.exec(text);
  if (create) {
    const [, ifNotExists, name] = create;
    if (db.tables.has(name)) {
      if (!ifNotExists) throw errors.d1Query(`table ${name} already exists`);
      return [];
    }
    const columns = create[3]
      .split(",")
      .map((c) => c.trim().split(/\s+/)[0])
      .filter((c) => c && !/^(primary|unique|check|foreign)$/i.test(c));
    db.tables.set(name, { columns, rows: [] });
    return [];
  }
  const insert = /^insert\s+(or\s+(replace|ignore)\s+)?into\s+(\w+)\s*\(([^)]*)\)\s*values\s*\(([^)]*)\)$/i.exec(text);
  if (insert) {
    const [, , conflict, name, cols] = insert;
    const table = db.tables.get(name);
    if (!table) throw errors.d1Query(`no such table: ${name}`);
    const row = Object.fromEntries(cols.split(",").map((c, i) => [c.trim(), params[i] ?? null]));
    const key = table.columns[0];
    const existing = table.rows.findIndex((r) => r[key] === row[key]);
    if (existing >= 0) {
      if (conflict?.toLowerCase() === "replace") table.rows[existing] = row;
      else if (conflict?.toLowerCase() !== "ignore") throw errors.d1Query(`UNIQUE constraint failed: ${name}.${key}`);
      return [];
    }
    table.rows.push(row);
    return [];
  }
  const select = /^select\s+(.+?)\s+from\s+(\w+)(\s+where\s+(\w+)\s*=\s*\?)?$/i.exec(text);
  if (select) {
    const [, cols, name, , whereCol] = select;
    const table = db.tables.get(name);
    if (!table) throw errors.d1Query(`no such table: ${name}`);
    const rows = whereCol ? table.rows.filter((r) => r[whereCol] === params[0]) : table.rows;
    if (cols.trim() === "*") return rows.map((r) => ({ ...r }));
    const wanted = cols.split(",").map((c) => c.trim());
    return rows.map((r) => Object.fromEntries(wanted.map((c) => [c, r[c] ?? null])));
  }
  throw errors.d1Query(`near "${text.split(/\s+/)[0]}": syntax error`);
}

export function databaseJson(db: Database) {
  return {
    uuid: db.uuid,
    name: db.name,
    created_at: db.createdAt,
    version: "production",
    num_tables: db.tables.size,
    file_size: 12288 + 4096 * db.tables.size,
    jurisdiction: null,
    read_replication: { mode: "disabled" },
  };
}

export function scriptJson(s: Script) {
  return {
    id: s.id,
    tag: s.id.replace(/[^a-z0-9]/gi, "").slice(0, 32),
    tags: [...s.tags],
    etag: newHex(16),
    handlers: ["fetch"],
    has_assets: false,
    has_modules: true,
    logpush: false,
    usage_model: "standard",
    compatibility_date: s.compatibilityDate ?? null,
    created_on: s.createdOn,
    modified_on: s.modifiedOn,
  };
}

function stageList(d: Deployment) {
  const names: StageName[] =
    d.source === "github"
      ? ["queued", "initialize", "clone_repo", "build", "deploy"]
      : ["queued", "initialize", "deploy"];
  const done = d.pollsLeft <= 0;
  return names.map((name, i) => {
    const last = i === names.length - 1;
    const status = done ? (last ? d.outcome : "success") : i === 0 ? "active" : "idle";
    return { name, status, started_on: done || i === 0 ? d.createdOn : null, ended_on: done ? now() : null };
  });
}

export function deploymentJson(p: Project, d: Deployment) {
  const stages = stageList(d);
  const latest = d.pollsLeft <= 0 ? stages[stages.length - 1] : stages[0];
  return {
    id: d.id,
    short_id: d.shortId,
    project_id: p.id,
    project_name: p.name,
    environment: d.branch === p.productionBranch ? "production" : "preview",
    url: `https://${d.shortId}.${p.subdomain}`,
    aliases: d.pollsLeft <= 0 && d.outcome === "success" ? [`https://${p.subdomain}`] : null,
    created_on: d.createdOn,
    modified_on: d.createdOn,
    is_skipped: false,
    latest_stage: latest,
    stages,
    deployment_trigger: {
      type: d.source === "github" ? "github:push" : "ad_hoc",
      metadata: { branch: d.branch, commit_hash: "", commit_message: "", commit_dirty: false },
    },
    build_config: p.buildConfig,
    source: p.source,
    env_vars: null,
    uses_functions: false,
  };
}

export function projectJson(p: Project) {
  const latest = p.deployments.at(-1);
  return {
    id: p.id,
    name: p.name,
    subdomain: p.subdomain,
    domains: [p.subdomain],
    production_branch: p.productionBranch,
    created_on: p.createdOn,
    source: p.source,
    build_config: p.buildConfig,
    deployment_configs: p.deploymentConfigs,
    latest_deployment: latest ? deploymentJson(p, latest) : null,
    canonical_deployment: latest ? deploymentJson(p, latest) : null,
  };
}

/** Secret env vars are write-only on Cloudflare: their values are never read back. */
export function redactEnvVars(configs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [env, config] of Object.entries(configs)) {
    const c = (config ?? {}) as { env_vars?: Record<string, { type?: string; value?: string } | null> };
    const vars = Object.fromEntries(
      Object.entries(c.env_vars ?? {})
        .filter(([, v]) => v)
        .map(([k, v]) => [
          k,
          v!.type === "secret_text"
            ? { type: "secret_text", value: "" }
            : { type: "plain_text", value: v!.value ?? "" },
        ]),
    );
    out[env] = { ...c, env_vars: vars };
  }
  return out;
}
