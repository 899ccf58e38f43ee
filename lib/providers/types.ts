// Provider interfaces: the pipeline talks to these, never to a vendor SDK directly.
// Implementations: `simulated` (default, offline), `github` (Octokit) for repositories and
// `cloudflare` (the official SDK) for infrastructure.

export type CheckStatus = "pass" | "warn" | "fail";

/** One line of the Verify Access report. */
export interface AccessCheck {
  /** Stable key, e.g. "token_valid", "repo_create_permission". */
  key: string;
  label: string;
  status: CheckStatus;
  /** Stable machine code for warn/fail, e.g. "github_token_missing_scope". */
  reasonCode?: string;
  /** What was found, in an operator's words. */
  message: string;
  /** How to fix a warn/fail. */
  remediation?: string;
  /** For a warn/fail: who can fix it, the exact permission or setting, and where (lib/providers/access-assist.ts). */
  assist?: CheckAssist;
}

/** Who can fix a failed check: the operator, an admin of the Onramp workspace, or an admin of the provider account. */
export type FixOwner = "operator" | "workspace_admin" | "provider_admin";

export interface CheckAssist {
  owner: FixOwner;
  /** The owner in the provider's words, e.g. "An owner of the acme organization". */
  ownerLabel: string;
  /** The exact permission or setting to change, e.g. "Scopes repo and workflow". */
  permission: string;
  /** The page where it is changed (opens in a new tab); absolute, or an Onramp path. */
  href: string;
  linkLabel: string;
}

/** What every provider call gets: the platform being onboarded and a way to stop. */
export interface ProviderContext {
  workspaceId: string;
  platformSlug: string;
  platformName: string;
  tier: "starter" | "growth" | "scale";
  stackTemplateId?: string | null;
  /** Aborted when the run is cancelled or the step times out; long waits must honour it. */
  signal: AbortSignal;
  /** Appends a line to the run's step log. Never pass secrets. */
  log: (message: string) => void;
}

export interface RepositoryInfo {
  fullName: string;
  url: string;
  defaultBranch: string;
  /** True when the repository was already there (ours) and nothing was created. */
  alreadyExisted: boolean;
}

export interface DeploymentInfo {
  deploymentId: string;
  environmentUrl?: string;
  alreadyExisted: boolean;
}

export interface DeploymentVerification {
  ok: boolean;
  detail: string;
  /**
   * Where the verified deployment is live (an http(s) URL), when the provider knows it. It may
   * only be known once the deployment has succeeded (GitHub reports it on the success status),
   * so it can be absent from the DeploymentInfo that deploy() returned.
   */
  environmentUrl?: string;
}

export interface RepositoryProvider {
  readonly kind: "simulated" | "github";
  /** Checks every permission the pipeline needs. Never throws for a failed check: reports it. */
  verifyAccess(ctx: ProviderContext): Promise<AccessCheck[]>;
  /** setup_repo: creates the platform repository from the stack template. Idempotent. */
  createRepository(ctx: ProviderContext): Promise<RepositoryInfo>;
  /** deploy_services: triggers the first deployment and provisions its secrets. Idempotent. */
  deploy(ctx: ProviderContext, repo: RepositoryInfo): Promise<DeploymentInfo>;
  /** verify: confirms the repository and a successful deployment exist. */
  verifyDeployment(
    ctx: ProviderContext,
    repo: RepositoryInfo,
    deployment: DeploymentInfo,
  ): Promise<DeploymentVerification>;
  /** deprovision: removes the repository. Missing counts as removed. */
  deleteRepository(ctx: ProviderContext): Promise<void>;
  /** deprovision: deletes one ledger entry this provider created (repository, deployment). */
  deleteResource(ctx: ProviderContext, entry: LedgerEntry): Promise<{ deleted: boolean }>;
}

export interface InfraResources {
  [name: string]: string;
}

/** One row of the resource ledger, as a provider sees it (lib/resources). */
export interface LedgerEntry {
  provider: "simulated" | "github" | "cloudflare";
  /** d1_database, worker_script, worker_secret, pages_project, pages_deployment, repository, deployment, infra. */
  type: string;
  externalId: string;
  name: string;
  preExisted: boolean;
  data: Record<string, unknown>;
  deletedAt?: Date | null;
}

/** What a provider reports it created or adopted; the step records it in the ledger before going on. */
export interface CreatedResource {
  type: string;
  externalId: string;
  name: string;
  /** The provider found it there already (the ledger decides whether that was us, on an earlier attempt). */
  alreadyExisted: boolean;
  /** Non-secret details for display (console URL parts, live URL). */
  data?: Record<string, unknown>;
}

export type RecordResource = (resource: CreatedResource) => Promise<void>;

export interface ProvisionOptions {
  /** The auth Worker's secret values: generated once per onboarding and stored encrypted by Onramp. */
  secrets?: (names: readonly string[], owner: string) => Promise<Record<string, string>>;
  /** What the ledger holds for this onboarding (an earlier attempt's ids). */
  recorded?: LedgerEntry[];
  /** Called as soon as a resource exists, before anything relies on it. */
  record?: RecordResource;
}

export interface InfraDeployOptions {
  /** The platform repository, when the repository connection is GitHub (Pages builds from it). */
  github?: { owner: string; repo: string; productionBranch: string };
  /** Direct-upload bundle, used when there is no GitHub repository. */
  files?: Record<string, string>;
  vars?: Record<string, string>;
  recorded?: LedgerEntry[];
  record?: RecordResource;
}

export interface InfraDeployment {
  deploymentId: string;
  environmentUrl?: string;
  alreadyExisted: boolean;
}

export interface InfraVerification {
  ok: boolean;
  detail: string;
  /** Where the platform is live, when the infrastructure serves it (Cloudflare Pages). */
  url?: string;
}

export interface InfraProvider {
  readonly kind: "simulated" | "cloudflare";
  verifyAccess(ctx: ProviderContext): Promise<AccessCheck[]>;
  /** provision_infra: creates the platform's infrastructure. Idempotent. */
  provision(
    ctx: ProviderContext,
    opts?: ProvisionOptions,
  ): Promise<{ resources: InfraResources; alreadyExisted: boolean }>;
  /**
   * deploy_services, when the infrastructure serves the platform itself (Cloudflare Pages):
   * creates the site and its first deployment and waits for it. Absent for the simulated infra,
   * where the repository provider deploys.
   */
  deploy?(ctx: ProviderContext, opts: InfraDeployOptions): Promise<InfraDeployment>;
  verify(ctx: ProviderContext, recorded?: LedgerEntry[]): Promise<InfraVerification>;
  /** deprovision: deletes one ledger entry this provider created. Already gone counts as deleted. */
  deleteResource(ctx: ProviderContext, entry: LedgerEntry): Promise<{ deleted: boolean }>;
}

/**
 * A provider failure. `transient` errors (timeouts, 5xx, rate limits) are retried with backoff
 * by the executor; permanent ones fail the step with `code` as its reason code.
 */
export class ProviderError extends Error {
  readonly code: string;
  readonly transient: boolean;
  readonly status?: number;
  readonly remediation?: string;
  /** For a transient error: how long the provider asked us to wait (a 429's Retry-After). */
  readonly retryAfterMs?: number;
  constructor(
    code: string,
    message: string,
    opts: { transient?: boolean; status?: number; remediation?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "ProviderError";
    this.code = code;
    this.transient = opts.transient ?? false;
    this.status = opts.status;
    this.remediation = opts.remediation;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
