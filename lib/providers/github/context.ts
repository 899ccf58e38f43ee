import "server-only";
// One GitHub connection as the provider's parts share it: its Octokit client (client.ts), the
// call wrapper that races cancellation and maps every error to a ProviderError, and the
// repository reads both the access checks and the pipeline steps need.
import type { Octokit } from "octokit";
import type { ProviderContext, RepositoryInfo } from "../types";
import { ProviderError } from "../types";
import { abortError } from "@/lib/util/abortable-sleep";
import { githubClient, GitHubRequestError, toProviderError, type CallOptions } from "./client";
import { ONRAMP_TOPIC } from "./markers";
import type { GitHubProviderConfig } from "./github-provider";

export interface RepoData {
  full_name: string;
  name: string;
  html_url: string;
  default_branch?: string;
  description: string | null;
  topics?: string[];
  is_template?: boolean;
  owner: { login: string };
}

export function splitFullName(fullName: string): { owner: string; name: string } {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length)
    throw new ProviderError("github_invalid_repository", `"${fullName}" is not an owner/name repository name.`);
  return { owner, name };
}

export function sameRepo(data: { full_name: string }, owner: string, name: string): boolean {
  return data.full_name.toLowerCase() === `${owner}/${name}`.toLowerCase();
}

export function repoInfo(data: RepoData, alreadyExisted: boolean): RepositoryInfo {
  return { fullName: data.full_name, url: data.html_url, defaultBranch: data.default_branch || "main", alreadyExisted };
}

export type GitHubConnection = ReturnType<typeof connectGitHub>;

export function connectGitHub(config: GitHubProviderConfig) {
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
  async function send<T>(
    ctx: ProviderContext,
    what: string,
    fn: (octokit: Octokit, request: CallOptions) => Promise<T>,
  ): Promise<T> {
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

  function fail(
    code: string,
    message: string,
    opts: { transient?: boolean; status?: number; remediation?: string } = {},
  ): ProviderError {
    return new ProviderError(code, scrub(message), {
      ...opts,
      remediation: opts.remediation && scrub(opts.remediation),
    });
  }

  async function getRepo(ctx: ProviderContext, owner: string, name: string): Promise<RepoData | null> {
    try {
      const { data } = await send(ctx, `GET /repos/${owner}/${name}`, (octokit, request) =>
        octokit.rest.repos.get({ owner, repo: name, request }),
      );
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
      ctx.log(
        `Could not add topic ${ONRAMP_TOPIC} to ${repo.full_name} (${refused.message}); its description still marks it as Onramp's`,
      );
    }
  }

  return {
    config,
    org,
    templateOwner,
    templateRepo,
    template,
    deploymentWaitMs,
    pollIntervalMs,
    scrub,
    send,
    refusal,
    fail,
    getRepo,
    ensureTopic,
  };
}
