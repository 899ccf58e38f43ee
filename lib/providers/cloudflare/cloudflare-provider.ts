// The Cloudflare infrastructure provider: every operation the pipeline needs, bound to one
// connection's client, plus the InfraProvider face the current steps call. Import it lazily
// (like the GitHub provider): workspaces on the simulated provider never load the SDK.
import "server-only";
import {
  ProviderError,
  type InfraProvider,
  type LedgerEntry,
  type ProviderContext,
  type RecordResource,
} from "../types";
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
    createPagesProject: (
      ctx: OpContext,
      opts?: { github?: GitHubSource; vars?: Record<string, string>; secrets?: Record<string, string> },
    ) => createPagesProject(client, ctx, opts),
    createPagesDeployment: (
      ctx: OpContext,
      opts?: { recordedDeploymentId?: string; files?: Record<string, string | Buffer>; branch?: string },
    ) => createPagesDeployment(client, ctx, opts),
    getDeploymentStatus: (ctx: OpContext, deploymentId: string) => getPagesDeployment(client, ctx, deploymentId),
    waitForDeployment: (ctx: OpContext, deploymentId: string, opts: { waitMs?: number } = {}) =>
      waitForPagesDeployment(client, ctx, {
        deploymentId,
        waitMs: opts.waitMs ?? config.deploymentWaitMs ?? 60_000,
        pollIntervalMs: config.deploymentPollIntervalMs,
        sleep,
      }),
    verifyPages: (ctx: OpContext, deploymentId: string) => verifyPages(client, ctx, deploymentId),
    deletePagesProject: (ctx: OpContext) => deletePagesProject(client, ctx),
  };

  const recordedOf = (recorded: LedgerEntry[] | undefined, type: string) =>
    recorded?.find((e) => e.provider === "cloudflare" && e.type === type && !e.deletedAt);
  const noRecord: RecordResource = async () => undefined;
  const accountData = { accountId: config.accountId };

  /** What the provision_infra / deploy_services / verify / deprovision steps call. */
  const infra: InfraProvider & { deprovision(ctx: ProviderContext): Promise<void> } = {
    kind: "cloudflare",
    verifyAccess: (ctx) => ops.verifyAccess(ctx),
    async provision(ctx, opts = {}) {
      const record = opts.record ?? noRecord;
      const database = await ops.createAuthDatabase(ctx, {
        recordedId: recordedOf(opts.recorded, "d1_database")?.externalId,
      });
      await record({
        type: "d1_database",
        externalId: database.id,
        name: database.name,
        alreadyExisted: database.alreadyExisted,
        data: accountData,
      });
      const worker = await ops.deployAuthWorker(ctx, { databaseId: database.id });
      await record({
        type: "worker_script",
        externalId: worker.name,
        name: worker.name,
        alreadyExisted: worker.alreadyExisted,
        data: { ...accountData, databaseId: database.id },
      });
      const values = opts.secrets ? await opts.secrets(AUTH_WORKER_SECRETS, worker.name) : await secretsFor(ctx);
      const missing = AUTH_WORKER_SECRETS.filter((name) => !values[name]);
      if (missing.length) throw new Error(`No values for the auth Worker's secrets ${missing.join(", ")}`);
      // Recorded before the put: a secret that was put must be in the ledger, one that was not is deleted as "already gone".
      for (const name of Object.keys(values).sort()) {
        await record({
          type: "worker_secret",
          externalId: `${worker.name}/${name}`,
          name,
          alreadyExisted: false,
          data: { ...accountData, worker: worker.name },
        });
      }
      const secrets = await ops.putWorkerSecrets(ctx, values);
      return {
        resources: {
          database: database.name,
          databaseId: database.id,
          authWorker: worker.name,
          workerSecrets: secrets.names.join(","),
        },
        alreadyExisted: database.alreadyExisted && worker.alreadyExisted,
      };
    },
    async deploy(ctx, opts) {
      // The wait gets what is left of the deployment budget after the calls before it.
      const waitUntil = Date.now() + (config.deploymentWaitMs ?? 60_000);
      const record = opts.record ?? noRecord;
      const project = await ops.createPagesProject(ctx, { github: opts.github, vars: opts.vars });
      await record({
        type: "pages_project",
        externalId: project.name,
        name: project.name,
        alreadyExisted: project.alreadyExisted,
        data: { ...accountData, url: project.url, source: project.source },
      });
      // A failed deployment is not resumed: a new one is started (after the operator's fix).
      let recordedDeploymentId = recordedOf(opts.recorded, "pages_deployment")?.externalId;
      if (recordedDeploymentId && (await ops.getDeploymentStatus(ctx, recordedDeploymentId)).state === "failure")
        recordedDeploymentId = undefined;
      const started = await ops.createPagesDeployment(ctx, {
        recordedDeploymentId,
        files: opts.files,
        branch: opts.github?.productionBranch,
      });
      // Recorded before the wait, so a wait cut short by a worker restart resumes this deployment.
      await record({
        type: "pages_deployment",
        externalId: started.id,
        name: project.name,
        alreadyExisted: false,
        data: { ...accountData, project: project.name, url: started.url },
      });
      await ops.waitForDeployment(ctx, started.id, { waitMs: Math.max(500, waitUntil - Date.now()) });
      ctx.log(`Pages deployment ${started.id} of ${project.name} succeeded; live at ${project.url}`);
      return { deploymentId: started.id, environmentUrl: project.url, alreadyExisted: !!started.alreadyExisted };
    },
    async verify(ctx, recorded) {
      const names = resourceNames(ctx.platformSlug);
      const databaseId =
        recordedOf(recorded, "d1_database")?.externalId ?? (await findDatabase(client, ctx, names.database))?.uuid;
      if (!databaseId) return { ok: false, detail: `D1 database ${names.database} does not exist` };
      const db = await ops.verifyDatabase(ctx, databaseId);
      if (!db.ok) return db;
      const worker = await ops.verifyWorker(ctx);
      if (!worker.ok) return worker;
      // Without a ledger (the provider's own tests) only the auth resources are checked.
      if (!recorded) return { ok: true, detail: `${db.detail}; ${worker.detail}` };
      const deployment = recordedOf(recorded, "pages_deployment");
      if (!deployment) return { ok: false, detail: `No Pages deployment of ${names.pagesProject} is recorded` };
      const pages = await ops.verifyPages(ctx, deployment.externalId);
      if (!pages.ok) return pages;
      return { ok: true, detail: `${db.detail}; ${worker.detail}; ${pages.detail}`, url: pages.url };
    },
    async deleteResource(ctx, entry) {
      switch (entry.type) {
        case "pages_deployment":
          // The API keeps a project's deployments with it: they go when the project is deleted.
          ctx.log(`Pages deployment ${entry.externalId} goes with the project ${names(ctx).pagesProject}`);
          return { deleted: false };
        case "pages_project":
          return ops.deletePagesProject(ctx);
        case "worker_secret":
          await ops.deleteWorkerSecrets(ctx, [entry.name]);
          ctx.log(`Deleted secret ${entry.name} of ${names(ctx).worker} (or it was already gone)`);
          return { deleted: true };
        case "worker_script":
          return ops.deleteAuthWorker(ctx);
        case "d1_database":
          return ops.deleteAuthDatabase(ctx, { recordedId: entry.externalId });
        default:
          throw new ProviderError(
            "resource_type_unknown",
            `Onramp does not know how to delete a Cloudflare ${entry.type}.`,
          );
      }
    },
    async deprovision(ctx) {
      // Reverse creation order: what depends on the database goes first.
      await ops.deletePagesProject(ctx);
      await ops.deleteAuthWorker(ctx);
      await ops.deleteAuthDatabase(ctx);
    },
  };
  const names = (ctx: ProviderContext) => resourceNames(ctx.platformSlug);

  return { ...ops, infra };
}

export type CloudflareProvider = ReturnType<typeof createCloudflareProvider>;
