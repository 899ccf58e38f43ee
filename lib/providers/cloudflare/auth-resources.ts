// The platform's auth D1 database, its auth Worker and the Worker's secrets: find-or-create by
// name with the ownership markers of naming.ts, verification, and idempotent deletes.
import type { CallContext, CloudflareClient } from "./client";
import { CloudflareProviderError, isNotFound, REMEDIATIONS } from "./errors";
import { DATABASE_BINDING, isOurWorker, MANAGED_TAG, OWNER_TABLE, resourceNames } from "./naming";
import {
  AUTH_SCHEMA,
  AUTH_WORKER_COMPATIBILITY_DATE,
  AUTH_WORKER_MODULE,
  AUTH_WORKER_SOURCE,
} from "./auth-worker/auth-worker-source";

export interface OpContext extends CallContext {
  platformSlug: string;
  log: (message: string) => void;
}

export interface DatabaseInfo {
  id: string;
  name: string;
  /** It was there before this call (ours from an earlier attempt, or adopted empty). */
  alreadyExisted: boolean;
}

export interface WorkerInfo {
  name: string;
  databaseId: string;
  alreadyExisted: boolean;
}

export type Ownership = "ours" | "empty" | "foreign";

const D1 = { permission: "d1" } as const;
const WORKERS = { permission: "workers_scripts" } as const;

export function nameTaken(what: string, message: string): CloudflareProviderError {
  return new CloudflareProviderError("cloudflare_name_taken", message, { remediation: REMEDIATIONS.nameTaken(what) });
}

export function notOurs(what: string): CloudflareProviderError {
  return new CloudflareProviderError(
    "cloudflare_not_ours",
    `${what} was not created by Onramp for this platform; refusing to delete it.`,
    {
      remediation:
        "If it really belongs to this platform, delete it in the Cloudflare dashboard by hand; otherwise leave it.",
    },
  );
}

export async function query(
  client: CloudflareClient,
  ctx: OpContext,
  databaseId: string,
  sql: string,
  params: string[] = [],
): Promise<Record<string, unknown>[]> {
  return client.call(ctx, { ...D1, what: `POST /d1/database/${databaseId}/query` }, async (sdk, options) => {
    const rows: Record<string, unknown>[] = [];
    for await (const result of sdk.d1.database.query(
      databaseId,
      { account_id: client.accountId, sql, params },
      options,
    )) {
      rows.push(...((result.results ?? []) as Record<string, unknown>[]));
    }
    return rows;
  });
}

export async function findDatabase(
  client: CloudflareClient,
  ctx: OpContext,
  name: string,
): Promise<{ uuid: string; name: string } | null> {
  return client.call(ctx, { ...D1, what: "GET /d1/database" }, async (sdk, options) => {
    // `name` filters by substring: the exact name is picked out here.
    for await (const db of sdk.d1.database.list({ account_id: client.accountId, name, per_page: 100 }, options)) {
      if (db.name === name && db.uuid) return { uuid: db.uuid, name: db.name };
    }
    return null;
  });
}

export async function databaseOwnership(
  client: CloudflareClient,
  ctx: OpContext,
  databaseId: string,
): Promise<Ownership> {
  const tables = (await query(client, ctx, databaseId, "SELECT name FROM sqlite_master WHERE type='table'")).map((r) =>
    String(r.name),
  );
  const userTables = tables.filter((t) => !t.startsWith("sqlite_") && !t.startsWith("_cf_"));
  if (!userTables.length) return "empty";
  if (!userTables.includes(OWNER_TABLE)) return "foreign";
  const rows = await query(client, ctx, databaseId, `SELECT value FROM ${OWNER_TABLE} WHERE key = ?`, ["platform"]);
  return rows[0]?.value === ctx.platformSlug ? "ours" : "foreign";
}

async function claimDatabase(client: CloudflareClient, ctx: OpContext, databaseId: string) {
  await query(
    client,
    ctx,
    databaseId,
    `CREATE TABLE IF NOT EXISTS ${OWNER_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  );
  await query(client, ctx, databaseId, `INSERT OR REPLACE INTO ${OWNER_TABLE} (key, value) VALUES (?, ?)`, [
    "platform",
    ctx.platformSlug,
  ]);
  for (const statement of AUTH_SCHEMA) await query(client, ctx, databaseId, statement);
}

/**
 * provision_infra, part 1. `recordedId` is the id the ledger holds from an earlier attempt: a
 * database with that id is ours whatever it contains.
 */
export async function createAuthDatabase(
  client: CloudflareClient,
  ctx: OpContext,
  opts: { recordedId?: string } = {},
): Promise<DatabaseInfo> {
  const { database: name } = resourceNames(ctx.platformSlug);
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await findDatabase(client, ctx, name);
    if (existing) {
      const ownership =
        existing.uuid === opts.recordedId ? "ours" : await databaseOwnership(client, ctx, existing.uuid);
      if (ownership === "foreign") {
        throw nameTaken(
          `The D1 database ${name}`,
          `A D1 database named ${name} already exists and has no Onramp marker for ${ctx.platformSlug}.`,
        );
      }
      await claimDatabase(client, ctx, existing.uuid);
      ctx.log(
        `D1 database ${name} (${existing.uuid}) already exists${ownership === "empty" ? " empty; adopted it" : ""}; reusing it`,
      );
      return { id: existing.uuid, name, alreadyExisted: true };
    }
    try {
      const created = await client.call(ctx, { ...D1, what: "POST /d1/database" }, (sdk, options) =>
        sdk.d1.database.create({ account_id: client.accountId, name }, options),
      );
      if (!created.uuid)
        throw new CloudflareProviderError(
          "cloudflare_request_rejected",
          `Cloudflare created ${name} without returning its id.`,
          { remediation: REMEDIATIONS.rejected },
        );
      await claimDatabase(client, ctx, created.uuid);
      ctx.log(`Created D1 database ${name} (${created.uuid})`);
      return { id: created.uuid, name, alreadyExisted: false };
    } catch (err) {
      // Created concurrently (or by a lost response): look again, and judge ownership then.
      if (err instanceof CloudflareProviderError && err.code === "cloudflare_name_taken" && attempt === 0) continue;
      throw err;
    }
  }
  throw nameTaken(
    `The D1 database ${name}`,
    `A D1 database named ${name} keeps being reported as existing but cannot be found.`,
  );
}

export async function verifyDatabase(
  client: CloudflareClient,
  ctx: OpContext,
  databaseId: string,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const rows = await query(client, ctx, databaseId, "SELECT 1 AS ok");
    return rows[0]?.ok === 1
      ? { ok: true, detail: `D1 database ${databaseId} answers queries` }
      : { ok: false, detail: `D1 database ${databaseId} gave an unexpected answer to SELECT 1` };
  } catch (err) {
    if (err instanceof CloudflareProviderError && err.status === 404)
      return { ok: false, detail: `D1 database ${databaseId} no longer exists` };
    throw err;
  }
}

/** Deletes the database: by the recorded id when known, else by name if it carries our marker. */
export async function deleteAuthDatabase(
  client: CloudflareClient,
  ctx: OpContext,
  opts: { recordedId?: string } = {},
): Promise<{ deleted: boolean }> {
  const { database: name } = resourceNames(ctx.platformSlug);
  let id = opts.recordedId;
  if (!id) {
    const existing = await findDatabase(client, ctx, name);
    if (!existing) {
      ctx.log(`D1 database ${name} does not exist; nothing to delete`);
      return { deleted: false };
    }
    if ((await databaseOwnership(client, ctx, existing.uuid)) === "foreign") throw notOurs(`The D1 database ${name}`);
    id = existing.uuid;
  }
  const gone = await client
    .call(ctx, { ...D1, what: `DELETE /d1/database/${id}` }, (sdk, options) =>
      sdk.d1.database.delete(id, { account_id: client.accountId }, options),
    )
    .then(
      () => false,
      (err: unknown) => {
        if (err instanceof CloudflareProviderError && err.status === 404) return true;
        throw err;
      },
    );
  ctx.log(gone ? `D1 database ${id} was already gone` : `Deleted D1 database ${name} (${id})`);
  return { deleted: !gone };
}

export async function findWorker(
  client: CloudflareClient,
  ctx: OpContext,
  name: string,
): Promise<{ id: string; tags: string[] } | null> {
  return client.call(ctx, { ...WORKERS, what: "GET /workers/scripts" }, async (sdk, options) => {
    for await (const script of sdk.workers.scripts.list({ account_id: client.accountId }, options)) {
      if (script.id === name) return { id: name, tags: script.tags ?? [] };
    }
    return null;
  });
}

/** provision_infra, part 2: uploads the auth Worker bound to the database (a PUT: re-running it is harmless). */
export async function deployAuthWorker(
  client: CloudflareClient,
  ctx: OpContext,
  opts: { databaseId: string },
): Promise<WorkerInfo> {
  const { worker: name, workerTag } = resourceNames(ctx.platformSlug);
  const existing = await findWorker(client, ctx, name);
  if (existing && !isOurWorker(existing.tags, ctx.platformSlug)) {
    throw nameTaken(`The Worker ${name}`, `A Worker named ${name} already exists without the tag ${workerTag}.`);
  }
  // Built by hand and sent through the SDK's generic put: cloudflare@7's scripts.update encodes
  // metadata as bracketed form fields under a Content-Type of application/javascript, which the
  // API rejects (cloudflare/cloudflare-typescript#2799). The API wants a JSON part named
  // "metadata" and one part per module, named as main_module refers to it.
  const metadata = {
    main_module: AUTH_WORKER_MODULE,
    compatibility_date: AUTH_WORKER_COMPATIBILITY_DATE,
    bindings: [{ type: "d1", name: DATABASE_BINDING, id: opts.databaseId }],
    // Secrets are put separately; a re-upload must not drop them.
    keep_bindings: ["secret_text"],
    tags: [MANAGED_TAG, workerTag],
  };
  const form = new FormData();
  form.set("metadata", new Blob([JSON.stringify(metadata)], { type: "application/json" }), "metadata.json");
  form.set(
    AUTH_WORKER_MODULE,
    new Blob([AUTH_WORKER_SOURCE], { type: "application/javascript+module" }),
    AUTH_WORKER_MODULE,
  );
  await client.call(ctx, { ...WORKERS, what: `PUT /workers/scripts/${name}` }, (sdk, options) =>
    sdk.put(`/accounts/${encodeURIComponent(client.accountId)}/workers/scripts/${encodeURIComponent(name)}`, {
      body: form,
      ...options,
    }),
  );
  ctx.log(
    existing
      ? `Worker ${name} already exists; uploaded it again bound to ${opts.databaseId}`
      : `Deployed Worker ${name} bound to D1 ${opts.databaseId}`,
  );
  return { name, databaseId: opts.databaseId, alreadyExisted: !!existing };
}

/** provision_infra, part 3: puts each secret (values come from Onramp's encrypted store; never logged). */
export async function putWorkerSecrets(
  client: CloudflareClient,
  ctx: OpContext,
  secrets: Record<string, string>,
): Promise<{ names: string[] }> {
  const { worker: name } = resourceNames(ctx.platformSlug);
  const existing = await findWorker(client, ctx, name);
  if (!existing)
    throw new CloudflareProviderError(
      "cloudflare_request_rejected",
      `The Worker ${name} does not exist; deploy it before its secrets.`,
      { remediation: "Resume the bootstrap; provision_infra deploys the Worker first." },
    );
  if (!isOurWorker(existing.tags, ctx.platformSlug))
    throw nameTaken(`The Worker ${name}`, `The Worker ${name} is not Onramp's; its secrets are left alone.`);
  const names = Object.keys(secrets).sort();
  for (const secret of names) {
    await client.call(ctx, { ...WORKERS, what: `PUT /workers/scripts/${name}/secrets (${secret})` }, (sdk, options) =>
      sdk.workers.scripts.secrets.update(
        name,
        { account_id: client.accountId, name: secret, text: secrets[secret], type: "secret_text" },
        options,
      ),
    );
  }
  ctx.log(`Put ${names.length} secret${names.length === 1 ? "" : "s"} on ${name}: ${names.join(", ")}`);
  return { names };
}

export async function listWorkerSecrets(client: CloudflareClient, ctx: OpContext): Promise<string[]> {
  const { worker: name } = resourceNames(ctx.platformSlug);
  return client.call(ctx, { ...WORKERS, what: `GET /workers/scripts/${name}/secrets` }, async (sdk, options) => {
    const names: string[] = [];
    for await (const s of sdk.workers.scripts.secrets.list(name, { account_id: client.accountId }, options))
      if (s.name) names.push(s.name);
    return names.sort();
  });
}

export async function deleteWorkerSecrets(client: CloudflareClient, ctx: OpContext, names: string[]): Promise<void> {
  const { worker: name } = resourceNames(ctx.platformSlug);
  for (const secret of names) {
    await client
      .call(ctx, { ...WORKERS, what: `DELETE /workers/scripts/${name}/secrets/${secret}` }, (sdk, options) =>
        sdk.workers.scripts.secrets.delete(secret, { account_id: client.accountId, script_name: name }, options),
      )
      .catch((err: unknown) => {
        // The secret or the whole Worker is gone: that is the state asked for.
        if (!(err instanceof CloudflareProviderError && err.status === 404)) throw err;
      });
  }
}

export async function verifyWorker(client: CloudflareClient, ctx: OpContext): Promise<{ ok: boolean; detail: string }> {
  const { worker: name } = resourceNames(ctx.platformSlug);
  const existing = await findWorker(client, ctx, name);
  if (!existing) return { ok: false, detail: `Worker ${name} is not deployed` };
  if (!isOurWorker(existing.tags, ctx.platformSlug)) return { ok: false, detail: `Worker ${name} is not Onramp's` };
  return { ok: true, detail: `Worker ${name} is deployed` };
}

export async function deleteAuthWorker(client: CloudflareClient, ctx: OpContext): Promise<{ deleted: boolean }> {
  const { worker: name } = resourceNames(ctx.platformSlug);
  const existing = await findWorker(client, ctx, name);
  if (!existing) {
    ctx.log(`Worker ${name} does not exist; nothing to delete`);
    return { deleted: false };
  }
  if (!isOurWorker(existing.tags, ctx.platformSlug)) throw notOurs(`The Worker ${name}`);
  const gone = await client
    .call(ctx, { ...WORKERS, what: `DELETE /workers/scripts/${name}` }, (sdk, options) =>
      sdk.workers.scripts.delete(name, { account_id: client.accountId, force: true }, options),
    )
    .then(
      () => false,
      (err: unknown) => {
        if (isNotFound(err) || (err instanceof CloudflareProviderError && err.status === 404)) return true;
        throw err;
      },
    );
  ctx.log(gone ? `Worker ${name} was already gone` : `Deleted Worker ${name}`);
  return { deleted: !gone };
}
