import "server-only";
// Picks the providers for a session from its workspace connections: the repository side from
// `connectionId` (simulated | github), the infrastructure side from `infraConnectionId`
// (simulated | cloudflare). The simulated provider is used only when no connection (or a
// simulated one) was chosen for that role — never in place of a real one.
import { db } from "@/lib/db/client";
import type { OnboardingSession } from "@/lib/generated/prisma/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import {
  createSimulatedInfra,
  createSimulatedRepository,
  type SimulationOptions,
} from "./simulated/simulated-providers";
import type { InfraProvider, RepositoryProvider } from "./types";
import { ProviderError } from "./types";
import { assertPublicTarget, guardedFetch, refusalOf } from "@/lib/net/guarded-fetch";
import { STEP_TIMEOUT_MS } from "@/lib/runs/definitions";
import { env } from "@/lib/env/env";
import { withAssist } from "./access-assist";
import { simulatedAssist } from "./simulated/access-remediation";
import { githubAssist } from "./github/access-remediation";
import { cloudflareAssist } from "./cloudflare/access-remediation";
import { tracedProvider } from "@/lib/observability/run-tracing";

/**
 * How long the verify step waits for a GitHub deployment to report success: inside the step's
 * own timeout (with 3 s left for the calls around it), so a slow deployment fails with
 * `github_deployment_timeout` (transient, retried) instead of the generic step_timeout.
 */
export function deploymentWaitFor(stepTimeoutMs: number): number {
  const budget = stepTimeoutMs - 3000;
  // A step timeout under 4 s (tests, fault drills) still leaves half of it for the wait.
  return budget >= 1000 ? budget : Math.max(1, Math.floor(stepTimeoutMs / 2));
}

export interface SessionProviders {
  infra: InfraProvider;
  repo: RepositoryProvider;
  simulated: boolean;
  simulation: {
    failStep?: string;
    failTimes?: number;
    stepDelayMs?: number;
    failCheck?: string;
    retryAfterMs?: number;
  } | null;
}

export interface GitHubConnectionConfig {
  org: string;
  templateOwner: string;
  templateRepo: string;
  baseUrl?: string;
}

export interface CloudflareConnectionConfig {
  accountId: string;
  apiBaseUrl?: string;
}

type SimulationSettings = SessionProviders["simulation"];

function simulationOf(session: OnboardingSession): { simulation: SimulationSettings; opts: SimulationOptions } {
  const simulation = (session.simulation ?? null) as SimulationSettings;
  return { simulation, opts: { stepDelayMs: simulation?.stepDelayMs, failCheck: simulation?.failCheck } };
}

async function loadConnection(id: string | null, role: "repository" | "infrastructure") {
  if (!id) return null;
  const connection = await db().providerConnection.findUnique({ where: { id } });
  if (!connection) {
    throw new ProviderError("connection_missing", `The ${role} connection chosen for this onboarding was deleted.`, {
      remediation: "Choose another connection at the Connect step.",
    });
  }
  return connection;
}

export async function providersFor(session: OnboardingSession): Promise<SessionProviders> {
  const [connection, infraConnection] = await Promise.all([
    loadConnection(session.connectionId, "repository"),
    loadConnection(session.infraConnectionId, "infrastructure"),
  ]);
  // Every warn/fail check says who can fix it and where (the verification assist).
  const repo = await repositoryProviderFor(session, connection);
  const infra = await infraProviderFor(session, infraConnection);
  // "simulated" (which allows the simulation's failure injection) only when both sides are.
  const simulated = repo.kind === "simulated" && infra.kind === "simulated";
  // Every provider call becomes a span of the active trace (a no-op while tracing is off).
  return {
    infra: tracedProvider(infra),
    repo: tracedProvider(repo),
    simulated,
    simulation: simulated ? simulationOf(session).simulation : null,
  };
}

type Connection = NonNullable<Awaited<ReturnType<typeof loadConnection>>>;

async function infraProviderFor(session: OnboardingSession, connection: Connection | null): Promise<InfraProvider> {
  if (!connection || connection.kind === "simulated")
    return withAssist(createSimulatedInfra(simulationOf(session).opts), simulatedAssist);
  if (connection.kind !== "cloudflare") {
    throw new ProviderError(
      "connection_wrong_role",
      `Connection "${connection.name}" (${connection.kind}) cannot host infrastructure.`,
      {
        remediation:
          "Choose a simulated or Cloudflare connection as the infrastructure connection at the Connect step.",
      },
    );
  }
  const config = connection.config as unknown as CloudflareConnectionConfig;
  if (!connection.secretCiphertext) {
    throw new ProviderError("cloudflare_token_missing", `Connection "${connection.name}" has no API token.`, {
      remediation: "Add a Cloudflare API token to the connection in Settings → Connections.",
    });
  }
  const refusal = config.apiBaseUrl ? await assertPublicTarget(config.apiBaseUrl).then(() => null, refusalOf) : null;
  if (refusal) {
    throw new ProviderError(
      "cloudflare_base_url_refused",
      `The connection's Cloudflare API URL is refused: ${refusal.message}`,
      {
        remediation: "Use a public address for the Cloudflare API (or remove the override) in Settings → Connections.",
      },
    );
  }
  const { createCloudflareProvider } = await import("./cloudflare/cloudflare-provider");
  const provider = createCloudflareProvider({
    apiToken: decryptSecret(connection.secretCiphertext, connection.id),
    accountId: config.accountId,
    baseURL: config.apiBaseUrl,
    fetch: guardedFetch as typeof fetch,
    deploymentWaitMs: deploymentWaitFor(STEP_TIMEOUT_MS),
    deploymentPollIntervalMs: env("CLOUDFLARE_DEPLOYMENT_POLL_MS"),
  }).infra;
  return withAssist(provider, cloudflareAssist(config.accountId));
}

async function repositoryProviderFor(
  session: OnboardingSession,
  connection: Connection | null,
): Promise<RepositoryProvider> {
  if (!connection || connection.kind === "simulated")
    return withAssist(createSimulatedRepository(simulationOf(session).opts), simulatedAssist);
  if (connection.kind !== "github") {
    throw new ProviderError(
      "connection_wrong_role",
      `Connection "${connection.name}" (${connection.kind}) cannot host repositories.`,
      {
        remediation: "Choose a simulated or GitHub connection as the repository connection at the Connect step.",
      },
    );
  }
  const config = connection.config as unknown as GitHubConnectionConfig;
  if (!connection.secretCiphertext) {
    throw new ProviderError("github_token_missing", `Connection "${connection.name}" has no token.`, {
      remediation: "Add a GitHub token to the connection in Settings → Connections.",
    });
  }
  const [templateOwner, templateRepo] = session.stackTemplateId?.includes("/")
    ? session.stackTemplateId.split("/", 2)
    : [config.templateOwner, config.templateRepo];
  // Refused here with a clear step error before Octokit exists; every request is vetted again
  // at connect time (guarded fetch), which is what closes DNS rebinding.
  // A name that does not resolve is not refused here: the call itself fails as github_unreachable (transient, retried).
  const refusal = config.baseUrl ? await assertPublicTarget(config.baseUrl).then(() => null, refusalOf) : null;
  if (refusal) {
    throw new ProviderError(
      "github_base_url_refused",
      `The connection's GitHub API URL is refused: ${refusal.message}`,
      {
        remediation: "Use the public address of your GitHub Enterprise server in Settings → Connections.",
      },
    );
  }
  // Loaded on demand: workspaces on the simulated provider never load Octokit.
  const { createGitHubProvider } = await import("./github/github-provider");
  const provider = createGitHubProvider({
    token: decryptSecret(connection.secretCiphertext, connection.id),
    org: config.org,
    templateOwner,
    templateRepo,
    baseUrl: config.baseUrl,
    deploymentWaitMs: deploymentWaitFor(STEP_TIMEOUT_MS),
    // A longer Retry-After is left to the executor's backoff rather than outliving the step's
    // timeout, so it is reported as github_rate_limited, not step_timeout.
    maxRateLimitWaitSeconds: Math.floor(deploymentWaitFor(STEP_TIMEOUT_MS) / 2000),
  });
  return withAssist(provider, githubAssist({ org: config.org, templateOwner, templateRepo, baseUrl: config.baseUrl }));
}
