import "server-only";
// Over 400 lines on purpose: Pages projects, direct uploads and deployment waits are one resource family with shared error mapping.
// The platform's Pages project and its deployments: find-or-create by name with the
// ONRAMP_PLATFORM marker, a first deployment (a build of the GitHub repository, or a direct
// upload of a static bundle), and a status a step can poll within its budget and resume from.
import { createHash } from "node:crypto";
import path from "node:path";
import type { CloudflareClient } from "./client";
import { CloudflareProviderError } from "./errors";
import { isOurPagesProject, PAGES_MARKER_VAR, resourceNames } from "./naming";
import { nameTaken, notOurs, type OpContext } from "./auth-resources";

const PAGES = { permission: "pages" } as const;

export interface GitHubSource {
  owner: string;
  repo: string;
  productionBranch: string;
  buildCommand?: string;
  outputDir?: string;
}

export interface PagesProjectInfo {
  name: string;
  /** https://<subdomain>: where production deployments are served. */
  url: string;
  source: "github" | "direct_upload";
  alreadyExisted: boolean;
}

export type DeploymentState = "in_progress" | "success" | "failure" | "missing";

export interface PagesDeploymentInfo {
  id: string;
  /** The deployment's own URL (https://<short id>.<project>.pages.dev). */
  url: string;
  state: DeploymentState;
  /** "build: active", for the step log. */
  stage: string;
  alreadyExisted?: boolean;
}

interface ProjectLike {
  name?: string;
  subdomain?: string;
  source?: { type?: string } | null;
  deployment_configs?: {
    production?: { env_vars?: Record<string, { type?: string; value?: string } | null> | null } | null;
  } | null;
}

interface DeploymentLike {
  id?: string;
  url?: string;
  latest_stage?: { name?: string; status?: string } | null;
}

function projectInfo(p: ProjectLike, name: string, alreadyExisted: boolean): PagesProjectInfo {
  return {
    name,
    url: `https://${p.subdomain || `${name}.pages.dev`}`,
    source: p.source?.type === "github" ? "github" : "direct_upload",
    alreadyExisted,
  };
}

export function deploymentState(d: DeploymentLike): DeploymentState {
  const stage = d.latest_stage;
  if (stage?.status === "failure" || stage?.status === "canceled") return "failure";
  if (stage?.name === "deploy" && stage.status === "success") return "success";
  return "in_progress";
}

function deploymentInfo(d: DeploymentLike): PagesDeploymentInfo {
  return {
    id: d.id ?? "",
    url: d.url ?? "",
    state: deploymentState(d),
    stage: `${d.latest_stage?.name ?? "queued"}: ${d.latest_stage?.status ?? "idle"}`,
  };
}

type EnvVar = { type: "plain_text"; value: string } | { type: "secret_text"; value: string };

function envVars(slug: string, vars: Record<string, string>, secrets: Record<string, string>): Record<string, EnvVar> {
  const out: Record<string, EnvVar> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = { type: "plain_text", value: v };
  for (const [k, v] of Object.entries(secrets)) out[k] = { type: "secret_text", value: v };
  out[PAGES_MARKER_VAR] = { type: "plain_text", value: slug };
  return out;
}

export async function getPagesProject(
  client: CloudflareClient,
  ctx: OpContext,
  name: string,
): Promise<ProjectLike | null> {
  return client
    .call(
      ctx,
      { ...PAGES, what: `GET /pages/projects/${name}` },
      (sdk, options) => sdk.pages.projects.get(name, { account_id: client.accountId }, options) as Promise<ProjectLike>,
    )
    .catch((err: unknown) => {
      if (err instanceof CloudflareProviderError && err.status === 404) return null;
      throw err;
    });
}

/**
 * deploy_services, part 1. The marker variable is set in the create call itself, so a project
 * is never left without it. `vars`/`secrets` become the production environment (re-applied on
 * every call, so a resumed step converges).
 */
export async function createPagesProject(
  client: CloudflareClient,
  ctx: OpContext,
  opts: { github?: GitHubSource; vars?: Record<string, string>; secrets?: Record<string, string> } = {},
): Promise<PagesProjectInfo> {
  const { pagesProject: name } = resourceNames(ctx.platformSlug);
  const env = envVars(ctx.platformSlug, opts.vars ?? {}, opts.secrets ?? {});
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await getPagesProject(client, ctx, name);
    if (existing) {
      if (!isOurPagesProject(existing, ctx.platformSlug)) {
        throw nameTaken(
          `The Pages project ${name}`,
          `A Pages project named ${name} already exists without ${PAGES_MARKER_VAR}=${ctx.platformSlug}.`,
        );
      }
      if (opts.vars || opts.secrets) {
        await client.call(ctx, { ...PAGES, what: `PATCH /pages/projects/${name}` }, (sdk, options) =>
          sdk.pages.projects.edit(
            name,
            { account_id: client.accountId, deployment_configs: { production: { env_vars: env } } },
            options,
          ),
        );
      }
      ctx.log(`Pages project ${name} already exists; reusing it`);
      return projectInfo(existing, name, true);
    }
    try {
      const created = (await client.call(ctx, { ...PAGES, what: "POST /pages/projects" }, (sdk, options) =>
        sdk.pages.projects.create(
          {
            account_id: client.accountId,
            name,
            production_branch: opts.github?.productionBranch ?? "main",
            deployment_configs: {
              production: { env_vars: env },
              preview: { env_vars: { [PAGES_MARKER_VAR]: env[PAGES_MARKER_VAR] } },
            },
            ...(opts.github
              ? {
                  source: {
                    type: "github" as const,
                    config: {
                      owner: opts.github.owner,
                      repo_name: opts.github.repo,
                      production_branch: opts.github.productionBranch,
                      deployments_enabled: true,
                      production_deployments_enabled: true,
                      pr_comments_enabled: false,
                    },
                  },
                  build_config: {
                    build_command: opts.github.buildCommand ?? "npm run build",
                    destination_dir: opts.github.outputDir ?? "dist",
                  },
                }
              : {}),
          },
          options,
        ),
      )) as ProjectLike;
      ctx.log(
        `Created Pages project ${name}${opts.github ? ` from ${opts.github.owner}/${opts.github.repo}` : " for direct uploads"}`,
      );
      return projectInfo(created, name, false);
    } catch (err) {
      if (err instanceof CloudflareProviderError && err.code === "cloudflare_name_taken" && attempt === 0) continue;
      throw err;
    }
  }
  throw nameTaken(`The Pages project ${name}`, `The Pages project ${name} is reported as existing but cannot be read.`);
}

/** The key Pages stores an asset under. Cloudflare keys assets by the hash the uploader chooses. */
export function assetHash(filePath: string, content: Buffer): string {
  return createHash("sha256")
    .update(content.toString("base64"))
    .update(path.extname(filePath).slice(1))
    .digest("hex")
    .slice(0, 32);
}

function contentType(filePath: string): string {
  const types: Record<string, string> = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
  };
  return types[path.extname(filePath)] ?? "application/octet-stream";
}

export async function getPagesDeployment(
  client: CloudflareClient,
  ctx: OpContext,
  deploymentId: string,
): Promise<PagesDeploymentInfo> {
  const { pagesProject: name } = resourceNames(ctx.platformSlug);
  return client
    .call(ctx, { ...PAGES, what: `GET /pages/projects/${name}/deployments/${deploymentId}` }, (sdk, options) =>
      sdk.pages.projects.deployments.get(deploymentId, { account_id: client.accountId, project_name: name }, options),
    )
    .then(deploymentInfo, (err: unknown) => {
      if (err instanceof CloudflareProviderError && err.status === 404)
        return { id: deploymentId, url: "", state: "missing" as const, stage: "missing" };
      throw err;
    });
}

async function latestDeployment(
  client: CloudflareClient,
  ctx: OpContext,
  name: string,
): Promise<PagesDeploymentInfo | null> {
  return client.call(ctx, { ...PAGES, what: `GET /pages/projects/${name}/deployments` }, async (sdk, options) => {
    const page = await sdk.pages.projects.deployments.list(
      name,
      { account_id: client.accountId, per_page: 10 },
      options,
    );
    const live = page.result.map(deploymentInfo).find((d) => d.state !== "failure");
    return live ?? null;
  });
}

/**
 * deploy_services, part 2. Resumes rather than repeats: the recorded deployment when it still
 * exists, else the project's newest deployment that has not failed (one created just before a
 * crash), else a new one — a build of the production branch, or a direct upload of `files`.
 */
export async function createPagesDeployment(
  client: CloudflareClient,
  ctx: OpContext,
  opts: { recordedDeploymentId?: string; files?: Record<string, string | Buffer>; branch?: string } = {},
): Promise<PagesDeploymentInfo> {
  const { pagesProject: name } = resourceNames(ctx.platformSlug);
  const project = await getPagesProject(client, ctx, name);
  if (!project)
    throw new CloudflareProviderError(
      "cloudflare_request_rejected",
      `The Pages project ${name} does not exist; create it first.`,
      { remediation: "Resume the bootstrap; deploy_services creates the project first." },
    );
  if (!isOurPagesProject(project, ctx.platformSlug))
    throw nameTaken(`The Pages project ${name}`, `The Pages project ${name} is not Onramp's.`);
  if (opts.recordedDeploymentId) {
    const recorded = await getPagesDeployment(client, ctx, opts.recordedDeploymentId);
    if (recorded.state !== "missing") {
      ctx.log(`Resuming Pages deployment ${recorded.id} (${recorded.stage})`);
      return { ...recorded, alreadyExisted: true };
    }
  }
  const existing = await latestDeployment(client, ctx, name);
  if (existing) {
    ctx.log(`Pages deployment ${existing.id} of ${name} already exists (${existing.stage}); reusing it`);
    return { ...existing, alreadyExisted: true };
  }
  const github = project.source?.type === "github";
  let manifest: Record<string, string> | undefined;
  if (!github) {
    const files = Object.entries(opts.files ?? {}).map(([p, c]) => ({
      path: p.startsWith("/") ? p : `/${p}`,
      content: Buffer.isBuffer(c) ? c : Buffer.from(c, "utf8"),
    }));
    if (!files.length)
      throw new CloudflareProviderError(
        "cloudflare_request_rejected",
        `No files to upload to the Pages project ${name}.`,
        { remediation: "The stack template's static bundle is empty; fix the template, then resume." },
      );
    const { jwt } = await client.call(
      ctx,
      { ...PAGES, what: `GET /pages/projects/${name}/upload-token` },
      (sdk, options) => sdk.pages.projects.getUploadToken(name, { account_id: client.accountId }, options),
    );
    const uploads = files.map((f) => ({ ...f, hash: assetHash(f.path, f.content) }));
    // Asset uploads authenticate with the project's upload JWT instead of the API token.
    const asUploader = { Authorization: `Bearer ${jwt}` };
    await client.call(ctx, { ...PAGES, what: "POST /pages/assets/upload" }, (sdk, options) =>
      sdk.pages.assets.upload(
        {
          body: uploads.map((u) => ({
            key: u.hash,
            value: u.content.toString("base64"),
            metadata: { contentType: contentType(u.path) },
            base64: true,
          })),
        },
        { ...options, headers: asUploader },
      ),
    );
    await client.call(ctx, { ...PAGES, what: "POST /pages/assets/upsert-hashes" }, (sdk, options) =>
      sdk.pages.assets.upsertHashes({ hashes: uploads.map((u) => u.hash) }, { ...options, headers: asUploader }),
    );
    manifest = Object.fromEntries(uploads.map((u) => [u.path, u.hash]));
  }
  const created = await client.call(
    ctx,
    { ...PAGES, what: `POST /pages/projects/${name}/deployments` },
    (sdk, options) =>
      sdk.pages.projects.deployments.create(
        name,
        {
          account_id: client.accountId,
          branch: opts.branch ?? "main",
          ...(manifest ? { manifest: JSON.stringify(manifest) } : {}),
        },
        options,
      ),
  );
  const info = deploymentInfo(created);
  ctx.log(
    `Started Pages deployment ${info.id} of ${name} (${github ? "build from GitHub" : `direct upload of ${Object.keys(manifest ?? {}).length} files`})`,
  );
  return { ...info, alreadyExisted: false };
}

export interface WaitOptions {
  deploymentId: string;
  pollIntervalMs?: number;
  /** Give up (transient cloudflare_deployment_in_progress) after this long; the step retries and resumes. */
  waitMs: number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Polls a deployment until it ends or the budget is spent. */
export async function waitForPagesDeployment(
  client: CloudflareClient,
  ctx: OpContext,
  opts: WaitOptions,
): Promise<PagesDeploymentInfo> {
  const deadline = Date.now() + opts.waitMs;
  let last = "";
  for (;;) {
    const d = await getPagesDeployment(client, ctx, opts.deploymentId);
    if (d.state === "success") return d;
    if (d.state === "failure" || d.state === "missing") {
      throw new CloudflareProviderError(
        "cloudflare_deployment_failed",
        `Pages deployment ${opts.deploymentId} ${d.state === "missing" ? "no longer exists" : `failed (${d.stage})`}.`,
        {
          remediation:
            "Open the deployment in dash.cloudflare.com → Workers & Pages → the project → Deployments to read its build log, fix the cause, then resume.",
        },
      );
    }
    if (d.stage !== last) ctx.log(`Pages deployment ${d.id}: ${d.stage}`);
    last = d.stage;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new CloudflareProviderError(
        "cloudflare_deployment_in_progress",
        `Pages deployment ${opts.deploymentId} is still in progress (${d.stage}).`,
        {
          transient: true,
          remediation: "Nothing to do: the step is retried and resumes waiting for the same deployment.",
        },
      );
    }
    await opts.sleep(Math.min(opts.pollIntervalMs ?? 2000, remaining), ctx.signal);
  }
}

export async function verifyPages(
  client: CloudflareClient,
  ctx: OpContext,
  deploymentId: string,
): Promise<{ ok: boolean; detail: string; url?: string }> {
  const { pagesProject: name } = resourceNames(ctx.platformSlug);
  const project = await getPagesProject(client, ctx, name);
  if (!project) return { ok: false, detail: `Pages project ${name} does not exist` };
  const d = await getPagesDeployment(client, ctx, deploymentId);
  if (d.state !== "success")
    return { ok: false, detail: `Pages deployment ${deploymentId} is ${d.state} (${d.stage})` };
  const url = projectInfo(project, name, true).url;
  return { ok: true, detail: `Pages deployment ${deploymentId} of ${name} succeeded; live at ${url}`, url };
}

export async function deletePagesProject(client: CloudflareClient, ctx: OpContext): Promise<{ deleted: boolean }> {
  const { pagesProject: name } = resourceNames(ctx.platformSlug);
  const existing = await getPagesProject(client, ctx, name);
  if (!existing) {
    ctx.log(`Pages project ${name} does not exist; nothing to delete`);
    return { deleted: false };
  }
  if (!isOurPagesProject(existing, ctx.platformSlug)) throw notOurs(`The Pages project ${name}`);
  const gone = await client
    .call(ctx, { ...PAGES, what: `DELETE /pages/projects/${name}` }, (sdk, options) =>
      sdk.pages.projects.delete(name, { account_id: client.accountId }, options),
    )
    .then(
      () => false,
      (err: unknown) => {
        if (err instanceof CloudflareProviderError && err.status === 404) return true;
        throw err;
      },
    );
  ctx.log(gone ? `Pages project ${name} was already gone` : `Deleted Pages project ${name} and its deployments`);
  return { deleted: !gone };
}
