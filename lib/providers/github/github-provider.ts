// The GitHub repository provider: Verify Access, setup_repo, deploy_services, verify and
// deprovision against the GitHub REST API through Octokit (client.ts). Every error leaves as a
// ProviderError with a stable code and a message we wrote: neither the token nor GitHub's
// own error text appears in one (viewers read Verify Access reports and step errors).
// The parts: context.ts (the connection: client, calls, shared reads), access-checks.ts,
// repository.ts, deployments.ts; markers.ts says how Onramp recognises what it created.
import type { RepositoryProvider } from "../types";
import { connectGitHub } from "./context";
import { verifyGitHubAccess } from "./access-checks";
import { createRepository, deleteRepository } from "./repository";
import { deployPlatform, verifyDeployment } from "./deployments";

export { GitHubRequestError } from "./client";
export {
  ONRAMP_TOPIC,
  SECRET_NAME,
  DEPLOYMENT_ENVIRONMENT,
  repositoryMarker,
  deploymentMarker,
  isOnrampRepository,
} from "./markers";
export { linkableUrl } from "./deployments";

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

export function createGitHubProvider(config: GitHubProviderConfig): RepositoryProvider {
  const gh = connectGitHub(config);
  return {
    kind: "github",
    verifyAccess: (ctx) => verifyGitHubAccess(gh, ctx),
    createRepository: (ctx) => createRepository(gh, ctx),
    deploy: (ctx, repo) => deployPlatform(gh, ctx, repo),
    verifyDeployment: (ctx, repo, deployment) => verifyDeployment(gh, ctx, repo, deployment),
    deleteRepository: (ctx) => deleteRepository(gh, ctx),
    async deleteResource(ctx, entry) {
      // A GitHub deployment has no life of its own: it goes with its repository.
      if (entry.type !== "repository") {
        ctx.log(`${entry.type} ${entry.name} goes with the repository`);
        return { deleted: false };
      }
      await deleteRepository(gh, ctx);
      return { deleted: true };
    },
  };
}
