// Over 400 lines on purpose: the fake Cloudflare API's routes (D1, Workers, Pages) in one table.
// The endpoints of the fake Cloudflare API. Every account route's first parameter is the
// account id; the server has already checked the token covers it and holds `permission`.
import type { IncomingMessage } from "node:http";
import {
  CfError,
  databaseJson,
  deploymentJson,
  errors,
  newHex,
  newUuid,
  now,
  projectJson,
  redactEnvVars,
  runSql,
  scriptJson,
  type Account,
  type FakePermission,
  type Project,
} from "./state";

interface HandlerInput {
  params: string[];
  url: URL;
  req: IncomingMessage;
  raw: Buffer;
  account?: Account;
  grant?: { accountId: string; project: string };
}
/** `text` answers outside the envelope (a Worker's content is served raw). */
export type HandlerResult =
  { result: unknown; resultInfo?: unknown; text?: undefined } | { text: string; contentType: string };
export interface Route {
  method: string;
  path: RegExp;
  permission?: FakePermission;
  auth?: "verify-user" | "verify-account" | "upload-jwt";
  handler: (input: HandlerInput) => Promise<HandlerResult> | HandlerResult;
}

interface Shared {
  accounts: Map<string, Account>;
  counts: {
    databasesCreated: number;
    scriptsUploaded: number;
    secretsPut: number;
    projectsCreated: number;
    deploymentsCreated: number;
    deletes: number;
  };
  deploymentBehaviour: { pollsInProgress: number; outcome: "success" | "failure" };
  uploadTokens: Map<string, { accountId: string; project: string }>;
}

function json(raw: Buffer): Record<string, unknown> {
  if (!raw.length) return {};
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw errors.badRequest("Invalid JSON body");
  }
}

async function form(
  req: IncomingMessage,
  raw: Buffer,
  refuse: (message: string) => CfError = errors.badRequest,
): Promise<FormData> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("multipart/form-data")) throw refuse("Expected a multipart/form-data body");
  return new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
}

function page<T>(items: T[], url: URL) {
  const perPage = Math.max(1, Math.min(1000, Number(url.searchParams.get("per_page")) || 20));
  const pageNo = Math.max(1, Number(url.searchParams.get("page")) || 1);
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  return {
    result: slice,
    resultInfo: {
      page: pageNo,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}

const A = "/accounts/([^/]+)";

export function buildRoutes(shared: Shared): Route[] {
  const { counts, deploymentBehaviour, uploadTokens } = shared;
  const routes: Route[] = [];
  const add = (
    method: string,
    path: string,
    permission: FakePermission | undefined,
    handler: Route["handler"],
    auth?: Route["auth"],
  ) => routes.push({ method, path: new RegExp(`^${path}$`), permission, handler, auth });

  const database = (account: Account, id: string) => {
    const db = account.databases.get(id);
    if (!db) throw errors.d1NotFound(id);
    return db;
  };
  const script = (account: Account, name: string) => {
    const s = account.scripts.get(name);
    if (!s) throw errors.scriptNotFound();
    return s;
  };
  const project = (account: Account, name: string): Project => {
    const p = account.projects.get(name);
    if (!p) throw errors.projectNotFound();
    return p;
  };

  add("GET", "/user/tokens/verify", undefined, () => ({ result: null }), "verify-user");
  add("GET", `${A}/tokens/verify`, undefined, () => ({ result: null }), "verify-account");
  add("GET", A, "account_settings", ({ account }) => ({
    result: {
      id: account!.id,
      name: account!.name,
      type: "standard",
      settings: { enforce_twofactor: false },
      created_on: "2024-01-01T00:00:00Z",
    },
  }));

  // D1
  add("GET", `${A}/d1/database`, "d1", ({ account, url }) => {
    const name = url.searchParams.get("name");
    const all = [...account!.databases.values()].filter((d) => !name || d.name.includes(name));
    const listed = page(all.map(databaseJson), url);
    return listed;
  });
  add("POST", `${A}/d1/database`, "d1", ({ account, raw }) => {
    const body = json(raw);
    const name = typeof body.name === "string" ? body.name : "";
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(name))
      throw new CfError(400, 7400, "The request is malformed: name is invalid");
    const a = account!;
    if ([...a.databases.values()].some((d) => d.name === name)) throw errors.d1NameTaken();
    if (a.databases.size >= a.d1Limit) throw errors.d1Limit(a.d1Limit);
    const uuid = newUuid();
    const db = { uuid, name, createdAt: now(), tables: new Map() };
    a.databases.set(uuid, db);
    counts.databasesCreated++;
    return { result: databaseJson(db) };
  });
  add("GET", `${A}/d1/database/([^/]+)`, "d1", ({ account, params }) => ({
    result: databaseJson(database(account!, params[1])),
  }));
  add("DELETE", `${A}/d1/database/([^/]+)`, "d1", ({ account, params }) => {
    database(account!, params[1]);
    account!.databases.delete(params[1]);
    counts.deletes++;
    return { result: null };
  });
  add("POST", `${A}/d1/database/([^/]+)/query`, "d1", ({ account, params, raw }) => {
    const db = database(account!, params[1]);
    const body = json(raw);
    const started = Date.now();
    const results = runSql(db, String(body.sql ?? ""), Array.isArray(body.params) ? body.params : []);
    return {
      result: [
        {
          results,
          success: true,
          meta: {
            changed_db: false,
            changes: 0,
            duration: Date.now() - started,
            last_row_id: 0,
            rows_read: results.length,
            rows_written: 0,
            size_after: 12288,
          },
        },
      ],
    };
  });

  // Workers scripts
  add("GET", `${A}/workers/scripts`, "workers_scripts", ({ account }) => ({
    result: [...account!.scripts.values()].map(scriptJson),
  }));
  add("PUT", `${A}/workers/scripts/([^/]+)`, "workers_scripts", async ({ account, params, req, raw }) => {
    // A non-multipart body is read by Cloudflare as a classic script and fails to parse.
    const data = await form(req, raw, () =>
      errors.badScript("Uncaught SyntaxError: Invalid or unexpected token at worker.js:1"),
    );
    const metadataPart = data.get("metadata");
    const metadataText =
      typeof metadataPart === "string" ? metadataPart : metadataPart ? await metadataPart.text() : "";
    let metadata: {
      main_module?: string;
      bindings?: Record<string, unknown>[];
      tags?: string[];
      compatibility_date?: string;
    };
    try {
      metadata = JSON.parse(metadataText);
    } catch {
      throw errors.badScript("Missing or invalid metadata part");
    }
    const main = metadata.main_module;
    const file = main ? data.get(main) : null;
    if (!main || !file || typeof file === "string")
      throw errors.badScript(`No such module "${main ?? ""}": main_module must name an uploaded part`);
    for (const binding of metadata.bindings ?? []) {
      const id = binding.id ?? binding.database_id;
      if (binding.type === "d1" && (typeof id !== "string" || !account!.databases.has(id))) {
        throw errors.badScript(`binding ${String(binding.name)} of type d1 must have a valid \`id\` specified`);
      }
    }
    const name = params[1];
    const existing = account!.scripts.get(name);
    const t = now();
    const s = {
      id: name,
      tags: metadata.tags ?? [],
      mainModule: main,
      bindings: metadata.bindings ?? [],
      content: await file.text(),
      compatibilityDate: metadata.compatibility_date,
      secrets: existing?.secrets ?? new Map(),
      createdOn: existing?.createdOn ?? t,
      modifiedOn: t,
    };
    account!.scripts.set(name, s);
    counts.scriptsUploaded++;
    return { result: scriptJson(s) };
  });
  add("GET", `${A}/workers/scripts/([^/]+)`, "workers_scripts", ({ account, params }) => ({
    text: script(account!, params[1]).content,
    contentType: "application/javascript",
  }));
  add("DELETE", `${A}/workers/scripts/([^/]+)`, "workers_scripts", ({ account, params }) => {
    script(account!, params[1]);
    account!.scripts.delete(params[1]);
    counts.deletes++;
    return { result: null };
  });
  add("GET", `${A}/workers/scripts/([^/]+)/settings`, "workers_scripts", ({ account, params }) => {
    const s = script(account!, params[1]);
    return {
      result: {
        bindings: s.bindings,
        compatibility_date: s.compatibilityDate,
        tags: s.tags,
        placement: {},
        usage_model: "standard",
      },
    };
  });
  add("GET", `${A}/workers/scripts/([^/]+)/secrets`, "workers_scripts", ({ account, params }) => ({
    result: [...script(account!, params[1]).secrets.entries()].map(([name, s]) => ({ name, type: s.type })),
  }));
  add("PUT", `${A}/workers/scripts/([^/]+)/secrets`, "workers_scripts", ({ account, params, raw }) => {
    const s = script(account!, params[1]);
    const body = json(raw);
    if (typeof body.name !== "string" || !body.name || typeof body.text !== "string")
      throw errors.badScript("secret name and text are required");
    s.secrets.set(body.name, { type: String(body.type ?? "secret_text"), text: body.text });
    counts.secretsPut++;
    return { result: { name: body.name, type: "secret_text" } };
  });
  add("DELETE", `${A}/workers/scripts/([^/]+)/secrets/([^/]+)`, "workers_scripts", ({ account, params }) => {
    const s = script(account!, params[1]);
    if (!s.secrets.delete(params[2])) throw errors.secretNotFound();
    return { result: null };
  });

  // Pages
  add("GET", `${A}/pages/projects`, "pages", ({ account, url }) =>
    page([...account!.projects.values()].map(projectJson), url),
  );
  add("POST", `${A}/pages/projects`, "pages", ({ account, raw }) => {
    const body = json(raw);
    const name = typeof body.name === "string" ? body.name : "";
    if (!/^[a-z0-9][a-z0-9-]{0,57}$/.test(name))
      throw new CfError(
        400,
        8000011,
        "The project name is invalid. Project names must be 1-58 lowercase characters: a-z, 0-9 and -.",
      );
    if (account!.projects.has(name)) throw errors.projectNameTaken();
    const p: Project = {
      id: newUuid(),
      name,
      subdomain: `${name}.pages.dev`,
      productionBranch: String(body.production_branch ?? "main"),
      source: (body.source as Record<string, unknown>) ?? null,
      deploymentConfigs: (body.deployment_configs as Record<string, unknown>) ?? {
        production: { env_vars: {} },
        preview: { env_vars: {} },
      },
      buildConfig: (body.build_config as Record<string, unknown>) ?? {},
      createdOn: now(),
      deployments: [],
      uploadedHashes: new Set(),
    };
    account!.projects.set(name, p);
    counts.projectsCreated++;
    return { result: { ...projectJson(p), deployment_configs: redactEnvVars(p.deploymentConfigs) } };
  });
  add("GET", `${A}/pages/projects/([^/]+)`, "pages", ({ account, params }) => {
    const p = project(account!, params[1]);
    return { result: { ...projectJson(p), deployment_configs: redactEnvVars(p.deploymentConfigs) } };
  });
  // PATCH merges: each environment's env_vars are merged key by key (null removes a key), as Cloudflare does.
  add("PATCH", `${A}/pages/projects/([^/]+)`, "pages", ({ account, params, raw }) => {
    const p = project(account!, params[1]);
    const body = json(raw);
    const patch = (body.deployment_configs ?? {}) as Record<
      string,
      { env_vars?: Record<string, unknown> | null } | undefined
    >;
    const configs = p.deploymentConfigs as Record<string, { env_vars?: Record<string, unknown> }>;
    for (const [env, cfg] of Object.entries(patch)) {
      if (!cfg?.env_vars) continue;
      const vars = { ...(configs[env]?.env_vars ?? {}) };
      for (const [k, v] of Object.entries(cfg.env_vars)) {
        if (v === null) delete vars[k];
        else vars[k] = v;
      }
      configs[env] = { ...(configs[env] ?? {}), env_vars: vars };
    }
    return { result: { ...projectJson(p), deployment_configs: redactEnvVars(p.deploymentConfigs) } };
  });
  add("DELETE", `${A}/pages/projects/([^/]+)`, "pages", ({ account, params }) => {
    project(account!, params[1]);
    account!.projects.delete(params[1]);
    counts.deletes++;
    return { result: null };
  });
  add("GET", `${A}/pages/projects/([^/]+)/upload-token`, "pages", ({ account, params }) => {
    project(account!, params[1]);
    const jwt = `fake.${newHex(24)}.jwt`;
    uploadTokens.set(jwt, { accountId: account!.id, project: params[1] });
    return { result: { jwt } };
  });
  add("POST", `${A}/pages/projects/([^/]+)/deployments`, "pages", async ({ account, params, req, raw }) => {
    const p = project(account!, params[1]);
    const data = await form(req, raw);
    const manifestText = data.get("manifest");
    let manifest: Record<string, string> = {};
    if (p.source?.type !== "github") {
      if (typeof manifestText !== "string") throw errors.badRequest("A direct upload deployment needs a manifest");
      manifest = JSON.parse(manifestText) as Record<string, string>;
      const missing = Object.values(manifest).filter((h) => !p.uploadedHashes.has(h));
      if (missing.length)
        throw errors.badRequest(
          `Failed to publish your Function. Got error: missing file hashes ${missing.slice(0, 3).join(", ")}`,
        );
    }
    const branch = typeof data.get("branch") === "string" ? String(data.get("branch")) : p.productionBranch;
    const d = {
      id: newUuid(),
      shortId: newHex(4),
      createdOn: now(),
      branch,
      source: p.source?.type === "github" ? ("github" as const) : ("direct_upload" as const),
      manifest,
      pollsLeft: deploymentBehaviour.pollsInProgress,
      outcome: deploymentBehaviour.outcome,
    };
    p.deployments.push(d);
    counts.deploymentsCreated++;
    return { result: deploymentJson(p, d) };
  });
  add("GET", `${A}/pages/projects/([^/]+)/deployments`, "pages", ({ account, params, url }) => {
    const p = project(account!, params[1]);
    return page(
      [...p.deployments].reverse().map((d) => deploymentJson(p, d)),
      url,
    );
  });
  add("GET", `${A}/pages/projects/([^/]+)/deployments/([^/]+)`, "pages", ({ account, params }) => {
    const p = project(account!, params[1]);
    const d = p.deployments.find((x) => x.id === params[2]);
    if (!d) throw errors.deploymentNotFound();
    // Each look counts as time passing: the deployment moves on after N polls.
    const answer = deploymentJson(p, d);
    if (d.pollsLeft > 0) d.pollsLeft--;
    return { result: answer };
  });

  // Pages asset upload (authenticated by the project's upload JWT).
  add(
    "POST",
    "/pages/assets/upload",
    undefined,
    ({ raw, grant }) => {
      const body = JSON.parse(raw.toString("utf8") || "[]") as { key?: string; value?: string }[];
      if (!Array.isArray(body)) throw errors.badRequest("Expected an array of files");
      const p = shared.accounts.get(grant!.accountId)?.projects.get(grant!.project);
      if (!p) throw errors.projectNotFound();
      for (const file of body) if (file.key && typeof file.value === "string") p.uploadedHashes.add(file.key);
      return { result: { successful_key_count: body.length, unsuccessful_keys: [] } };
    },
    "upload-jwt",
  );
  add("POST", "/pages/assets/upsert-hashes", undefined, () => ({ result: null }), "upload-jwt");
  return routes;
}
