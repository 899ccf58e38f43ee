// The Cloudflare infrastructure provider: every operation the pipeline needs, bound to one
// connection's client, plus the InfraProvider face the current steps call. Import it lazily
// (like the GitHub provider): workspaces on the simulated provider never load the SDK.
import "server-only";
import type { InfraProvider, ProviderContext } from "../types";
import { createCloudflareClient, type CloudflareClient, type CloudflareClientOptions } from "./client";
import {
  createAuthDatabase,
  deleteAuthDatabase,
  deleteAuthWorker,
  deleteWorkerSecrets,
  deployAuthWorker,
  findDatabase,
  listWorkerSecrets,
  putWorkerSecrets,
  verifyDatabase,
  verifyWorker,
  type OpContext,
} from "./auth-resources";
import {
  createPagesDeployment,
  createPagesProject,
  deletePagesProject,
  getPagesDeployment,
  verifyPages,
  waitForPagesDeployment,
  type GitHubSource,
} from "./pages-resources";
import { verifyCloudflareAccess } from "./verify-access";
import { resourceNames } from "./naming";
import { AUTH_WORKER_SECRETS } from "./auth-worker/auth-worker-source";

export interface CloudflareProviderConfig extends CloudflareClientOptions {
  /** See VerifyAccessOptions (default 10, the Free plan's limit). */
  d1DatabaseLimit?: number;
  /** The auth Worker's secret values (generated and stored encrypted by Onramp); asked for on each provision. */
  workerSecrets?: (ctx: ProviderContext) => Promise<Record<string, string>> | Record<string, string>;
  deploymentPollIntervalMs?: number;
  /** How long one call waits for a Pages deployment before a transient cloudflare_deployment_in_progress (default 60 s). */
  deploymentWaitMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function createCloudflareProvider(config: CloudflareProviderConfig) {
  const client: CloudflareClient = createCloudflareClient(config);

  async function secretsFor(ctx: ProviderContext): Promise<Record<string, string>> {
    const values = (await config.workerSecrets?.(ctx)) ?? {};
    const missing = AUTH_WORKER_SECRETS.filter((name) => !values[name]);
    if (missing.length) throw new Error(`Cloudflare provider configured without values for ${missing.join(", ")}`);
    return values;
  }

  const ops = {
    client,
    names: (slug: string) => resourceNames(slug),
    verifyAccess: (ctx: OpContext) => verifyCloudflareAccess(client, ctx, { d1DatabaseLimit: config.d1DatabaseLimit }),
    createAuthDatabase: (ctx: OpContext, opts?: { recordedId?: string }) => createAuthDatabase(client, ctx, opts),
    verifyDatabase: (ctx: OpContext, databaseId: string) => verifyDatabase(client, ctx, databaseId),
    deleteAuthDatabase: (ctx: OpContext, opts?: { recordedId?: string }) => deleteAuthDatabase(client, ctx, opts),
    deployAuthWorker: (ctx: OpContext, opts: { databaseId: string }) => deployAuthWorker(client, ctx, opts),
    putWorkerSecrets: (ctx: OpContext, secrets: Record<string, string>) => putWorkerSecrets(client, ctx, secrets),
    listWorkerSecrets: (ctx: OpContext) => listWorkerSecrets(client, ctx),
    deleteWorkerSecrets: (ctx: OpContext, names: string[]) => deleteWorkerSecrets(client, ctx, names),
    verifyWorker: (ctx: OpContext) => verifyWorker(client, ctx),
    deleteAuthWorker: (ctx: OpContext) => deleteAuthWorker(client, ctx),
    createPagesProject: (ctx: OpContext, opts?: { github?: GitHubSource; vars?: Record<string, string>; secrets?: Record<string, string> }) => createPagesProject(client, ctx, opts),
    createPagesDeployment: (ctx: OpContext, opts?: { recordedDeploymentId?: string; files?: Record<string, string | Buffer>; branch?: string }) =>
      createPagesDeployment(client, ctx, opts),
    getDeploymentStatus: (ctx: OpContext, deploymentId: string) => getPagesDeployment(client, ctx, deploymentId),
    waitForDeployment: (ctx: OpContext, deploymentId: string, opts: { waitMs?: number } = {}) =>
      waitForPagesDeployment(client, ctx, { deploymentId, waitMs: opts.waitMs ?? config.deploymentWaitMs ?? 60_000, pollIntervalMs: config.deploymentPollIntervalMs, sleep }),
    verifyPages: (ctx: OpContext, deploymentId: string) => verifyPages(client, ctx, deploymentId),
    deletePagesProject: (ctx: OpContext) => deletePagesProject(client, ctx),
  };

  /** What today's provision_infra / verify / deprovision_infra steps call. */
  const infra: InfraProvider = {
    kind: "cloudflare",
    verifyAccess: (ctx) => ops.verifyAccess(ctx),
    async provision(ctx) {
      const database = await ops.createAuthDatabase(ctx);
      const worker = await ops.deployAuthWorker(ctx, { databaseId: database.id });
      const secrets = await ops.putWorkerSecrets(ctx, await secretsFor(ctx));
      return {
        resources: { database: database.name, databaseId: database.id, authWorker: worker.name, workerSecrets: secrets.names.join(",") },
        alreadyExisted: database.alreadyExisted && worker.alreadyExisted,
      };
    },
    async verify(ctx) {
      const names = resourceNames(ctx.platformSlug);
      const database = await findDatabase(client, ctx, names.database);
      if (!database) return { ok: false, detail: `D1 database ${names.database} does not exist` };
      const db = await ops.verifyDatabase(ctx, database.uuid);
      if (!db.ok) return db;
      const worker = await ops.verifyWorker(ctx);
      return worker.ok ? { ok: true, detail: `${db.detail}; ${worker.detail}` } : worker;
    },
    async deprovision(ctx) {
      // Reverse creation order: what depends on the database goes first.
      await ops.deletePagesProject(ctx);
      await ops.deleteAuthWorker(ctx);
      await ops.deleteAuthDatabase(ctx);
    },
  };

  return { ...ops, infra };
}

export type CloudflareProvider = ReturnType<typeof createCloudflareProvider>;
