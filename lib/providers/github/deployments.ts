import "server-only";
// The deployment steps: store the platform's Actions secret, trigger (or reuse) the first
// deployment, and follow its statuses until it succeeds, fails or runs out of time.
import { createRequire } from "node:module";
import type * as Sodium from "libsodium-wrappers";
import type { DeploymentInfo, ProviderContext, RepositoryInfo } from "../types";
import { sleep } from "@/lib/util/abortable-sleep";
import { DEPLOYMENT_ENVIRONMENT, deploymentMarker, SECRET_NAME } from "./markers";
import { splitFullName, type GitHubConnection } from "./context";

let sodiumReady: Promise<typeof Sodium> | undefined;

/**
 * libsodium-wrappers 0.7.16's ESM build imports a file it does not ship, so the CommonJS
 * build is loaded instead; lazily, since Verify Access never needs it.
 */
function loadSodium(): Promise<typeof Sodium> {
  sodiumReady ??= (async () => {
    const sodium = createRequire(import.meta.url)("libsodium-wrappers") as typeof Sodium;
    await sodium.ready;
    return sodium;
  })();
  return sodiumReady;
}

/**
 * A deployment status's environment_url, if it is an absolute http(s) URL. It is whatever the
 * workflow reported, and the UI renders it as a link: anything else (javascript:, relative) is dropped.
 */
export function linkableUrl(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  try {
    const url = new URL(trimmed);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password
      ? trimmed
      : undefined;
  } catch {
    return undefined;
  }
}

export async function deployPlatform(
  gh: GitHubConnection,
  ctx: ProviderContext,
  repo: RepositoryInfo,
): Promise<DeploymentInfo> {
  const { send, refusal, fail } = gh;
  const slug = ctx.platformSlug;
  const { owner, name } = splitFullName(repo.fullName);
  const full = `${owner}/${name}`;
  const sodium = await loadSodium();

  try {
    const { data: key } = await send(ctx, `GET /repos/${full}/actions/secrets/public-key`, (octokit, request) =>
      octokit.rest.actions.getRepoPublicKey({ owner, repo: name, request }),
    );
    // Actions secrets are write-only and sealed to the repository's key; GitHub decrypts them on the runner.
    const sealed = sodium.to_base64(
      sodium.crypto_box_seal(sodium.from_string(slug), sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL)),
      sodium.base64_variants.ORIGINAL,
    );
    await send(ctx, `PUT /repos/${full}/actions/secrets/${SECRET_NAME}`, (octokit, request) =>
      octokit.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo: name,
        secret_name: SECRET_NAME,
        encrypted_value: sealed,
        key_id: key.key_id,
        request,
      }),
    );
  } catch (err) {
    const refused = refusal(err);
    if (refused.status === 404 || refused.status === 403) {
      throw fail(
        "github_cannot_manage_secrets",
        `Cannot manage Actions secrets of ${full}: it is missing or the token lacks access (${refused.status}).`,
        {
          status: refused.status,
          remediation:
            "Make sure the repository exists and the token can administer it (classic scope repo; fine-grained: Secrets read/write).",
        },
      );
    }
    throw refused;
  }
  ctx.log(`Stored the Actions secret ${SECRET_NAME} in ${full}`);

  const marker = deploymentMarker(slug);
  const existing = await send(ctx, `GET /repos/${full}/deployments`, async (octokit, request) => {
    // Paged by hand: Octokit's paginate() drops the `request` options, and with them the signal.
    for (let page = 1; page <= 10; page++) {
      const { data } = await octokit.rest.repos.listDeployments({
        owner,
        repo: name,
        environment: DEPLOYMENT_ENVIRONMENT,
        per_page: 100,
        page,
        request,
      });
      const ours = data.find((d) => d.description === marker);
      if (ours || data.length < 100) return ours ?? null;
    }
    return null;
  });
  if (existing) {
    ctx.log(`Deployment ${existing.id} of ${full} already exists; reusing it`);
    return { deploymentId: String(existing.id), alreadyExisted: true } satisfies DeploymentInfo;
  }

  try {
    const { data } = await send(ctx, `POST /repos/${full}/deployments`, (octokit, request) =>
      octokit.rest.repos.createDeployment({
        owner,
        repo: name,
        ref: repo.defaultBranch,
        environment: DEPLOYMENT_ENVIRONMENT,
        production_environment: true,
        auto_merge: false,
        required_contexts: [],
        description: marker,
        payload: { onramp: { platform: slug, tier: ctx.tier } },
        request,
      }),
    );
    if (!("id" in data))
      throw fail(
        "github_deployment_not_created",
        `GitHub did not create a deployment of ${full} (it answered 202 without one).`,
      );
    ctx.log(`Triggered deployment ${data.id} of ${full} (${repo.defaultBranch} → ${DEPLOYMENT_ENVIRONMENT})`);
    return { deploymentId: String(data.id), alreadyExisted: false } satisfies DeploymentInfo;
  } catch (err) {
    const refused = refusal(err);
    // A freshly generated repository gets its branches a moment after the generate call returns.
    if (refused.status === 422 && /no ref found/i.test(refused.githubMessage)) {
      throw fail("github_ref_not_ready", `${full} has no ${repo.defaultBranch} branch yet.`, {
        transient: true,
        status: 422,
        remediation: "GitHub is still copying the template; the step is retried.",
      });
    }
    if (refused.status === 409 || refused.status === 422) {
      throw fail("github_deployment_rejected", `GitHub refused the deployment of ${full} (${refused.status}).`, {
        status: refused.status,
        remediation: "Check the repository's branch protection and required status checks, then resume.",
      });
    }
    throw refused;
  }
}

export async function verifyDeployment(
  gh: GitHubConnection,
  ctx: ProviderContext,
  repo: RepositoryInfo,
  deployment: DeploymentInfo,
) {
  const { send, refusal, fail, scrub, getRepo, deploymentWaitMs, pollIntervalMs } = gh;
  const { owner, name } = splitFullName(repo.fullName);
  const full = `${owner}/${name}`;
  const current = await getRepo(ctx, owner, name);
  if (!current) return { ok: false, detail: `The repository ${full} no longer exists.` };
  const id = Number(deployment.deploymentId);
  if (!Number.isSafeInteger(id))
    return { ok: false, detail: `"${deployment.deploymentId}" is not a GitHub deployment id.` };

  const deadline = Date.now() + deploymentWaitMs;
  let lastState: string | undefined;
  for (;;) {
    let statuses: { state: string; environment_url?: string; log_url?: string; description?: string | null }[];
    try {
      ({ data: statuses } = await send(ctx, `GET /repos/${full}/deployments/${id}/statuses`, (octokit, request) =>
        octokit.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: id, per_page: 1, request }),
      ));
    } catch (err) {
      if (refusal(err).status === 404) return { ok: false, detail: `Deployment ${id} of ${full} no longer exists.` };
      throw err;
    }
    // Statuses come newest first.
    const newest = statuses[0];
    const state = newest?.state ?? "created";
    const said = newest?.description ? `: ${newest.description}` : "";
    if (state === "success") {
      const environmentUrl = linkableUrl(newest?.environment_url);
      const where = environmentUrl ? `; live at ${environmentUrl}` : "";
      ctx.log(scrub(`Deployment ${id} of ${full} succeeded${where}`));
      return {
        ok: true,
        detail: scrub(`Deployment ${id} of ${full} succeeded${where}.`),
        ...(environmentUrl ? { environmentUrl } : {}),
      };
    }
    if (state === "failure" || state === "error" || state === "inactive") {
      const logs = newest?.log_url ? ` Logs: ${newest.log_url}` : "";
      return { ok: false, detail: scrub(`Deployment ${id} of ${full} ended in ${state}${said}.${logs}`) };
    }
    if (state !== lastState) {
      ctx.log(`Deployment ${id} of ${full}: ${state === "created" ? "waiting for the first status" : state}`);
      lastState = state;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw fail(
        "github_deployment_timeout",
        `Deployment ${id} of ${full} was still ${state} after ${Math.round(deploymentWaitMs / 1000)} s.`,
        {
          transient: true,
          remediation: "Check the deployment's workflow run in the repository's Actions tab; the step is retried.",
        },
      );
    }
    await sleep(Math.min(pollIntervalMs, remaining), ctx.signal);
  }
}
