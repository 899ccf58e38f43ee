// The GitHub repository provider: Verify Access, setup_repo, deploy_services, verify and
// deprovision against the GitHub REST API through Octokit (client.ts). Every error leaves as a
// ProviderError with a stable code and a message we wrote: neither the token nor GitHub's
// own error text appears in one (viewers read Verify Access reports and step errors).
//
// Over 400 lines for now: the client and error mapping moved to client.ts; splitting the rest
// (access checks, repository, deployments) is open work in the "one owner per rule" issue.
import { createRequire } from "node:module";
import type { Octokit } from "octokit";
import type * as Sodium from "libsodium-wrappers";
import type { AccessCheck, DeploymentInfo, ProviderContext, RepositoryInfo, RepositoryProvider } from "../types";
import { ProviderError } from "../types";
import { githubClient, GitHubRequestError, REFUSAL_CODES, TOKEN_REMEDIATION, toProviderError, type CallOptions } from "./client";

export { GitHubRequestError } from "./client";

/**
 * Marker convention. A repository is Onramp's for a slug when its description starts with
 * `Onramp platform <slug>` (set atomically by the generate call) or it carries the topic
 * `onramp-managed` (added right after). Either suffices, so a crash between the two calls
 * still leaves a repository Onramp recognises and reuses.
 */
export const ONRAMP_TOPIC = "onramp-managed";
export const SECRET_NAME = "ONRAMP_PLATFORM_SLUG";
export const DEPLOYMENT_ENVIRONMENT = "production";

export function repositoryMarker(slug: string): string {
  return `Onramp platform ${slug}`;
}

export function deploymentMarker(slug: string): string {
  return `Onramp first deployment of ${slug}`;
}

export function isOnrampRepository(repo: { description?: string | null; topics?: string[] | null }, slug: string): boolean {
  const marker = repositoryMarker(slug);
  const description = repo.description ?? "";
  // The boundary check keeps slug "app" from claiming "Onramp platform app-2".
  const described = description === marker || description.startsWith(`${marker} `);
  return described || (repo.topics ?? []).includes(ONRAMP_TOPIC);
}

export interface GitHubProviderConfig {
  token: string;
  org: string;
  templateOwner: string;
  templateRepo: string;
  /** API root, e.g. a GitHub Enterprise `https://ghe.example.com/api/v3` or a local fake. */
  baseUrl?: string;
  /** Per HTTP attempt (default 10 s). Octokit v5 has no timeout option: this is an AbortSignal. */
  requestTimeoutMs?: number;
  /** Default: the guarded fetch (vetted addresses, redirects refused). Tests may inject another policy. */
  fetch?: typeof fetch;
  /** Rate-limit retries per request before giving up with `github_rate_limited` (default 2). */
  maxRateLimitRetries?: number;
  /** A retry-after longer than this is not waited out in-process: the step's own backoff takes over (default 30). */
  maxRateLimitWaitSeconds?: number;
  /** Retries of 5xx/network failures inside one call (default 1); the executor retries the step beyond that. */
  serverErrorRetries?: number;
  /** Length of one retry-after "second" in ms (default 1000); tests shrink it to keep waits honoured but short. */
  retryBaseMs?: number;
  /** verifyDeployment polls the deployment's statuses this often (default 2 s)… */
  deploymentPollIntervalMs?: number;
  /** …for at most this long (default 60 s), then throws `github_deployment_timeout`. */
  deploymentWaitMs?: number;
}

interface RepoData {
  full_name: string;
  name: string;
  html_url: string;
  default_branch?: string;
  description: string | null;
  topics?: string[];
  is_template?: boolean;
  owner: { login: string };
}

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

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new ProviderError("aborted", String(signal.reason ?? "aborted"), { transient: true });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function splitFullName(fullName: string): { owner: string; name: string } {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length) throw new ProviderError("github_invalid_repository", `"${fullName}" is not an owner/name repository name.`);
  return { owner, name };
}

function sameRepo(data: { full_name: string }, owner: string, name: string): boolean {
  return data.full_name.toLowerCase() === `${owner}/${name}`.toLowerCase();
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
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

function repoInfo(data: RepoData, alreadyExisted: boolean): RepositoryInfo {
  return { fullName: data.full_name, url: data.html_url, defaultBranch: data.default_branch || "main", alreadyExisted };
}

export function createGitHubProvider(config: GitHubProviderConfig): RepositoryProvider {
  const { token, org, templateOwner, templateRepo } = config;
  const template = `${templateOwner}/${templateRepo}`;
  const requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
  const pollIntervalMs = config.deploymentPollIntervalMs ?? 2000;
  const deploymentWaitMs = config.deploymentWaitMs ?? 60_000;
  const getClient = githubClient({
    token,
    baseUrl: config.baseUrl,
    requestTimeoutMs,
    fetch: config.fetch,
    maxRateLimitRetries: config.maxRateLimitRetries ?? 2,
    maxRateLimitWaitSeconds: config.maxRateLimitWaitSeconds ?? 30,
    serverErrorRetries: config.serverErrorRetries ?? 1,
    retryBaseMs: config.retryBaseMs ?? 1000,
  });

  /** Defence in depth: nothing we build should contain the token. */
  const scrub = (text: string) => (token ? text.split(token).join("[REDACTED]") : text);

  /**
   * Runs one Octokit call. Octokit's own waits (throttling spacing, retry-after, retry backoff)
   * ignore the signal, so the call also races it: cancellation never waits for them.
   */
  async function send<T>(ctx: ProviderContext, what: string, fn: (octokit: Octokit, request: CallOptions) => Promise<T>): Promise<T> {
    const { signal } = ctx;
    if (signal.aborted) throw abortError(signal);
    const { octokit, RequestError } = await getClient();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(signal));
    });
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([fn(octokit, { signal, onrampLog: ctx.log }), aborted]);
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      throw toProviderError(err, what, RequestError, requestTimeoutMs, scrub);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Only permanent, HTTP-level refusals are a check's or call site's business; the rest propagate. */
  function refusal(err: unknown): GitHubRequestError {
    if (err instanceof GitHubRequestError && !err.transient) return err;
    throw err;
  }

  function fail(code: string, message: string, opts: { transient?: boolean; status?: number; remediation?: string } = {}): ProviderError {
    return new ProviderError(code, scrub(message), { ...opts, remediation: opts.remediation && scrub(opts.remediation) });
  }

  async function getRepo(ctx: ProviderContext, owner: string, name: string): Promise<RepoData | null> {
    try {
      const { data } = await send(ctx, `GET /repos/${owner}/${name}`, (octokit, request) => octokit.rest.repos.get({ owner, repo: name, request }));
      return data;
    } catch (err) {
      // GitHub answers the old name of a renamed repository with a 301. Redirects are not
      // followed, and the name itself is free.
      if (err instanceof ProviderError && err.code === "upstream_redirect_refused" && err.status === 301) return null;
      if (refusal(err).status === 404) return null;
      throw err;
    }
  }

  async function ensureTopic(ctx: ProviderContext, repo: RepoData): Promise<void> {
    const topics = repo.topics ?? [];
    if (topics.includes(ONRAMP_TOPIC)) return;
    const { owner, name } = splitFullName(repo.full_name);
    try {
      await send(ctx, `PUT /repos/${repo.full_name}/topics`, (octokit, request) =>
        octokit.rest.repos.replaceAllTopics({ owner, repo: name, names: [...topics, ONRAMP_TOPIC], request }),
      );
    } catch (err) {
      // The description already marks the repository; a missing topic is cosmetic.
      const refused = refusal(err);
      ctx.log(`Could not add topic ${ONRAMP_TOPIC} to ${repo.full_name} (${refused.message}); its description still marks it as Onramp's`);
    }
  }

  function checker(key: string, label: string) {
    return {
      pass: (message: string): AccessCheck => ({ key, label, status: "pass", message: scrub(message) }),
      warn: (reasonCode: string, message: string, remediation: string): AccessCheck => ({
        key,
        label,
        status: "warn",
        reasonCode,
        message: scrub(message),
        remediation: scrub(remediation),
      }),
      fail: (reasonCode: string, message: string, remediation: string): AccessCheck => ({
        key,
        label,
        status: "fail",
        reasonCode,
        message: scrub(message),
        remediation: scrub(remediation),
      }),
    };
  }

  const checks = {
    token: checker("token_valid", "GitHub token"),
    scopes: checker("token_scopes", "Token scopes"),
    membership: checker("org_membership", "Organization membership"),
    create: checker("repo_create_permission", "Permission to create repositories"),
    template: checker("template_repository", "Stack template"),
    slug: checker("slug_available", "Repository name"),
  };

  function scopesCheck(header: string | undefined): AccessCheck {
    if (header === undefined) {
      return checks.scopes.warn(
        "github_scopes_unverifiable",
        "The token does not report OAuth scopes (a fine-grained token or an app token), so its permissions are only proven by the checks below and by the first write.",
        "Make sure the token grants, on the organization's repositories: Administration, Contents, Workflows, Secrets and Deployments (read and write), and Metadata (read).",
      );
    }
    const scopes = header.split(",").map((s) => s.trim()).filter(Boolean);
    const has = (scope: string) => scopes.includes(scope);
    const missing = [...(has("repo") || has("public_repo") ? [] : ["repo"]), ...(has("workflow") ? [] : ["workflow"])];
    const listed = scopes.length ? scopes.join(", ") : "none";
    if (missing.length) {
      return checks.scopes.fail(
        "github_token_missing_scope",
        `The token lacks the ${missing.join(" and ")} scope${missing.length > 1 ? "s" : ""} (it has: ${listed}).`,
        `Edit the token (GitHub → Settings → Developer settings → Personal access tokens) and add ${missing.join(" and ")}, or create a new one.`,
      );
    }
    if (!has("repo")) {
      return checks.scopes.warn(
        "github_token_public_repo_only",
        `The token has public_repo but not repo (it has: ${listed}); it cannot create the platform's private repository.`,
        "Replace public_repo with the repo scope on the token.",
      );
    }
    const deleteNote = has("delete_repo") ? "" : " Deprovisioning will also need delete_repo.";
    return checks.scopes.pass(`The token has the scopes the pipeline needs (${listed}).${deleteNote}`);
  }

  /** org_membership and repo_create_permission, which depends on it. */
  async function orgChecks(ctx: ProviderContext, login: string): Promise<[AccessCheck, AccessCheck]> {
    if (org.toLowerCase() === login.toLowerCase()) {
      return [
        checks.membership.pass(`${org} is the token user's own account.`),
        checks.create.pass(`${login} can create repositories in their own account.`),
      ];
    }
    let membership: { state: string; role: string };
    try {
      const { data } = await send(ctx, `GET /orgs/${org}/memberships/${login}`, (octokit, request) =>
        octokit.rest.orgs.getMembershipForUser({ org, username: login, request }),
      );
      membership = data;
    } catch (err) {
      const refused = refusal(err);
      if (refused.status !== 404 && refused.status !== 403) throw refused;
      return [
        checks.membership.fail(
          "github_org_not_member",
          `${login} is not a member of the ${org} organization (or the organization does not exist).`,
          `Ask an owner of ${org} to invite ${login}, or connect with a token of a user who belongs to ${org}.`,
        ),
        checks.create.fail(
          "github_cannot_create_repo",
          `${login} cannot create repositories in ${org} without being a member.`,
          `Fix the organization membership first.`,
        ),
      ];
    }
    if (membership.state !== "active") {
      return [
        checks.membership.fail(
          "github_org_membership_pending",
          `${login} has been invited to ${org} but has not accepted the invitation yet.`,
          `Sign in to GitHub as ${login} and accept the invitation at https://github.com/orgs/${org}/invitation.`,
        ),
        checks.create.fail(
          "github_cannot_create_repo",
          `${login} cannot create repositories in ${org} until the invitation is accepted.`,
          `Accept the invitation to ${org} first.`,
        ),
      ];
    }
    const membershipPass = checks.membership.pass(`${login} is an active ${membership.role === "admin" ? "owner" : membership.role} of ${org}.`);
    if (membership.role === "admin") {
      return [membershipPass, checks.create.pass(`${login} owns ${org} and can create repositories there.`)];
    }
    const { data: orgData } = await send(ctx, `GET /orgs/${org}`, (octokit, request) => octokit.rest.orgs.get({ org, request }));
    // Onramp creates private repositories: that setting decides when GitHub reports it.
    const allowed = orgData.members_can_create_private_repositories ?? orgData.members_can_create_repositories;
    if (allowed === undefined || allowed === null) {
      return [
        membershipPass,
        checks.create.warn(
          "github_repo_permission_unverifiable",
          `GitHub does not show ${login} whether members of ${org} may create private repositories.`,
          `Ask an owner of ${org} to confirm "Repository creation: Private" is allowed for members, or use an owner's token.`,
        ),
      ];
    }
    if (!allowed) {
      return [
        membershipPass,
        checks.create.fail(
          "github_cannot_create_repo",
          `Members of ${org} may not create private repositories, and ${login} is not an owner.`,
          `Ask an owner of ${org} to allow members to create private repositories (Organization settings → Member privileges), make ${login} an owner, or use an owner's token.`,
        ),
      ];
    }
    return [membershipPass, checks.create.pass(`Members of ${org}, including ${login}, may create private repositories.`)];
  }

  async function templateCheck(ctx: ProviderContext): Promise<AccessCheck> {
    let data: RepoData | null;
    try {
      data = await getRepo(ctx, templateOwner, templateRepo);
    } catch (err) {
      const refused = refusal(err);
      return checks.template.fail(
        "github_template_not_found",
        `The token cannot read the stack template ${template}: ${refused.message}`,
        `Give the token's user read access to ${template}, or choose another stack template.`,
      );
    }
    if (!data) {
      return checks.template.fail(
        "github_template_not_found",
        `The stack template ${template} does not exist or the token cannot see it.`,
        `Check the template's owner and name, and give the token's user read access to it.`,
      );
    }
    if (!data.is_template) {
      return checks.template.fail(
        "github_template_not_template",
        `${data.full_name} exists but is not marked as a template repository.`,
        `In ${data.full_name}, open Settings → General and tick "Template repository", or choose another stack template.`,
      );
    }
    return checks.template.pass(`${data.full_name} is a template repository (default branch ${data.default_branch ?? "main"}).`);
  }

  async function slugCheck(ctx: ProviderContext): Promise<AccessCheck> {
    const slug = ctx.platformSlug;
    const wanted = `${org}/${slug}`;
    let data: RepoData | null;
    try {
      data = await getRepo(ctx, org, slug);
    } catch (err) {
      const refused = refusal(err);
      return checks.slug.fail(refused.code, `Could not check whether ${wanted} exists: ${refused.message}`, "Fix the checks above, then verify again.");
    }
    if (!data) return checks.slug.pass(`${wanted} is free.`);
    // A renamed repository answers at its old name through a redirect; the name itself is free.
    if (!sameRepo(data, org, slug)) return checks.slug.pass(`${wanted} is free (it redirects to the renamed ${data.full_name}, which stays untouched).`);
    if (isOnrampRepository(data, slug)) return checks.slug.pass(`${wanted} was already created by Onramp for this platform and will be reused.`);
    return checks.slug.fail(
      "slug_taken",
      `${wanted} already exists and was not created by Onramp.`,
      "Choose another slug at the Identify step, or rename or delete the existing repository.",
    );
  }

  return {
    kind: "github",

    async verifyAccess(ctx) {
      let login: string;
      let scopesHeader: string | undefined;
      try {
        const { data, headers } = await send(ctx, "GET /user", (octokit, request) => octokit.rest.users.getAuthenticated({ request }));
        login = data.login;
        scopesHeader = headers["x-oauth-scopes"];
      } catch (err) {
        const skipped = (c: ReturnType<typeof checker>) =>
          c.warn("github_check_skipped", "Not checked: it needs a valid token.", "Fix the token, then verify again.");
        const rest = () => [skipped(checks.scopes), skipped(checks.membership), skipped(checks.create), skipped(checks.template), skipped(checks.slug)];
        // The guard refused the address or a redirect: nothing was sent, say so.
        if (err instanceof ProviderError && REFUSAL_CODES.has(err.code)) {
          return [checks.token.fail(err.code, `Not checked: ${err.message}`, err.remediation ?? ""), ...rest()];
        }
        const refused = refusal(err);
        const tokenCheck =
          refused.status === 401
            ? checks.token.fail("github_token_invalid", "GitHub rejected the token (Bad credentials): it is wrong, expired or revoked.", TOKEN_REMEDIATION)
            : refused.status === 404
              ? checks.token.fail(
                  "github_api_not_found",
                  `${config.baseUrl ?? "https://api.github.com"} answered 404 to GET /user: it does not look like a GitHub API root.`,
                  "Fix the connection's API URL (GitHub Enterprise Server: https://HOST/api/v3).",
                )
              : checks.token.fail(
                  "github_token_unsupported",
                  `The token cannot read its own user (GitHub answered ${refused.status}); GitHub App installation tokens are not supported.`,
                  TOKEN_REMEDIATION,
                );
        return [tokenCheck, ...rest()];
      }
      const [[membership, create], templateResult, slugResult] = await Promise.all([orgChecks(ctx, login), templateCheck(ctx), slugCheck(ctx)]);
      return [checks.token.pass(`The token authenticates as ${login}.`), scopesCheck(scopesHeader), membership, create, templateResult, slugResult];
    },

    async createRepository(ctx) {
      const slug = ctx.platformSlug;
      const wanted = `${org}/${slug}`;
      // GitHub caps descriptions at 350 characters; the marker comes first so it survives the cut.
      const description = `${repositoryMarker(slug)} (${ctx.platformName})`.slice(0, 350);
      try {
        const { data } = await send(ctx, `POST /repos/${template}/generate`, (octokit, request) =>
          octokit.rest.repos.createUsingTemplate({
            template_owner: templateOwner,
            template_repo: templateRepo,
            owner: org,
            name: slug,
            description,
            private: true,
            include_all_branches: false,
            request,
          }),
        );
        ctx.log(`Created ${data.full_name} from the stack template ${template}`);
        await ensureTopic(ctx, data);
        return repoInfo(data, false);
      } catch (err) {
        const refused = refusal(err);
        if (refused.status === 422 && /already exists/i.test(refused.githubMessage)) {
          const existing = await getRepo(ctx, org, slug);
          if (existing && sameRepo(existing, org, slug) && isOnrampRepository(existing, slug)) {
            ctx.log(`${existing.full_name} already exists and is Onramp's; reusing it`);
            await ensureTopic(ctx, existing);
            return repoInfo(existing, true);
          }
          throw fail("slug_taken", `${wanted} already exists and was not created by Onramp.`, {
            status: 422,
            remediation: "Choose another slug, or rename or delete the existing repository, then resume.",
          });
        }
        if (refused.status === 422 && /not a template/i.test(refused.githubMessage)) {
          throw fail("github_template_not_template", `${template} is not a template repository.`, {
            status: 422,
            remediation: `Mark ${template} as a template (Settings → General), then resume.`,
          });
        }
        if (refused.status === 404) {
          throw fail("github_template_not_found", `The stack template ${template} or the organization ${org} was not found, or the token cannot see it.`, {
            status: 404,
            remediation: "Run Verify Access to see which, fix it, then resume.",
          });
        }
        if (refused.status === 403) {
          throw fail("github_cannot_create_repo", `GitHub refused to create ${wanted} (403).`, {
            status: 403,
            remediation: `Give the token's user the right to create private repositories in ${org}, then resume.`,
          });
        }
        if (refused.status === 422) {
          throw fail("github_repo_create_rejected", `GitHub refused to create ${wanted} (422): the name or settings are not valid for a new repository.`, {
            status: 422,
            remediation: "Check the slug (GitHub repository name rules) and the template, then resume.",
          });
        }
        throw refused;
      }
    },

    async deploy(ctx, repo) {
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
          octokit.rest.actions.createOrUpdateRepoSecret({ owner, repo: name, secret_name: SECRET_NAME, encrypted_value: sealed, key_id: key.key_id, request }),
        );
      } catch (err) {
        const refused = refusal(err);
        if (refused.status === 404 || refused.status === 403) {
          throw fail("github_cannot_manage_secrets", `Cannot manage Actions secrets of ${full}: it is missing or the token lacks access (${refused.status}).`, {
            status: refused.status,
            remediation: "Make sure the repository exists and the token can administer it (classic scope repo; fine-grained: Secrets read/write).",
          });
        }
        throw refused;
      }
      ctx.log(`Stored the Actions secret ${SECRET_NAME} in ${full}`);

      const marker = deploymentMarker(slug);
      const existing = await send(ctx, `GET /repos/${full}/deployments`, async (octokit, request) => {
        // Paged by hand: Octokit's paginate() drops the `request` options, and with them the signal.
        for (let page = 1; page <= 10; page++) {
          const { data } = await octokit.rest.repos.listDeployments({ owner, repo: name, environment: DEPLOYMENT_ENVIRONMENT, per_page: 100, page, request });
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
        if (!("id" in data)) throw fail("github_deployment_not_created", `GitHub did not create a deployment of ${full} (it answered 202 without one).`);
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
    },

    async verifyDeployment(ctx, repo, deployment) {
      const { owner, name } = splitFullName(repo.fullName);
      const full = `${owner}/${name}`;
      const current = await getRepo(ctx, owner, name);
      if (!current) return { ok: false, detail: `The repository ${full} no longer exists.` };
      const id = Number(deployment.deploymentId);
      if (!Number.isSafeInteger(id)) return { ok: false, detail: `"${deployment.deploymentId}" is not a GitHub deployment id.` };

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
          return { ok: true, detail: scrub(`Deployment ${id} of ${full} succeeded${where}.`), ...(environmentUrl ? { environmentUrl } : {}) };
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
          throw fail("github_deployment_timeout", `Deployment ${id} of ${full} was still ${state} after ${Math.round(deploymentWaitMs / 1000)} s.`, {
            transient: true,
            remediation: "Check the deployment's workflow run in the repository's Actions tab; the step is retried.",
          });
        }
        await sleep(Math.min(pollIntervalMs, remaining), ctx.signal);
      }
    },

    async deleteRepository(ctx) {
      const slug = ctx.platformSlug;
      const wanted = `${org}/${slug}`;
      const existing = await getRepo(ctx, org, slug);
      if (!existing || !sameRepo(existing, org, slug)) {
        ctx.log(`${wanted} does not exist; nothing to delete`);
        return;
      }
      if (!isOnrampRepository(existing, slug)) {
        throw fail("github_not_ours", `${wanted} was not created by Onramp (no topic ${ONRAMP_TOPIC}, no "${repositoryMarker(slug)}" description); refusing to delete it.`, {
          remediation: "If it really belongs to this platform, delete it on GitHub by hand; otherwise leave it.",
        });
      }
      try {
        await send(ctx, `DELETE /repos/${wanted}`, (octokit, request) => octokit.rest.repos.delete({ owner: org, repo: slug, request }));
      } catch (err) {
        const refused = refusal(err);
        if (refused.status === 404) {
          ctx.log(`${wanted} was already gone`);
          return;
        }
        if (refused.status === 403) {
          throw fail("github_cannot_delete_repo", `GitHub refused to delete ${wanted} (403).`, {
            status: 403,
            remediation: `Give the token the delete_repo scope (and its user admin rights on ${wanted}), then retry the deprovisioning.`,
          });
        }
        throw refused;
      }
      ctx.log(`Deleted ${wanted}`);
    },

    async deleteResource(ctx, entry) {
      // A GitHub deployment has no life of its own: it goes with its repository.
      if (entry.type !== "repository") {
        ctx.log(`${entry.type} ${entry.name} goes with the repository`);
        return { deleted: false };
      }
      await this.deleteRepository(ctx);
      return { deleted: true };
    },
  };
}
