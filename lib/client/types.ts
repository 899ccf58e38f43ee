// Response shapes of the HTTP API as the browser sees them. Types only: the session's shape
// comes from the same zod schema that documents the API, the rest mirror lib/*/serialize.ts.
import type { z } from "zod";
import type { sessionResponse, sessionSummaryResponse } from "@/lib/onboarding/schemas";
import type { Capability, Role } from "@/lib/auth/capabilities";
import type { CheckpointKey } from "@/lib/onboarding/constants";

export type { Capability, Role, CheckpointKey };

/** One onboarding with `actions`: what this caller may do next (GET/PATCH/action responses). */
export type Session = z.infer<typeof sessionResponse>;
/** An onboarding in a list: no `actions`. */
export type SessionSummary = z.infer<typeof sessionSummaryResponse>;
export type SessionActions = Session["actions"];
export type SessionActionName = keyof SessionActions;
export type ActionDecision = SessionActions[SessionActionName];
export type LifecycleState = Session["lifecycleState"];
export type SessionStatus = Session["status"];
export type Tier = Session["tier"];
/** The active run's health (lib/runs/health.ts). */
export type RunHealth = NonNullable<Session["health"]>;

export interface Simulation {
  failStep?: string;
  failTimes?: number;
  stepDelayMs?: number;
  failCheck?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  user: { id: string; email: string };
  via: "session" | "token";
  workspace: { id: string; slug: string; name: string };
  role: Role;
  capabilities: Capability[];
  workspaces: { id: string; slug: string; name: string; role: Role }[];
}

export interface CreateOnboardingInput {
  platformName: string;
  slug: string;
  tier: Tier;
  stackTemplateId?: string | null;
  connectionId?: string | null;
  infraConnectionId?: string | null;
  autoStart?: boolean;
  simulation?: Simulation;
}

export interface OnboardingCreated {
  onboardingId: string;
  jobId: string | null;
  status: SessionStatus;
  steps: Session["steps"];
  version: number;
}

export interface SlugAvailability {
  slug: string;
  valid: boolean;
  available: boolean;
  message: string;
}

export interface PatchOnboardingInput {
  platformName?: string;
  slug?: string;
  tier?: Tier;
  stackTemplateId?: string | null;
  connectionId?: string | null;
  infraConnectionId?: string | null;
  draft?: Record<string, string | number | boolean | null>;
}

export type RunKind = "verify_access" | "bootstrap" | "deprovision";
export type RunStatus = "queued" | "running" | "completed";
export type RunOutcome = "succeeded" | "failed" | "cancelled" | "blocked";
export type RunStepStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";
export type CheckStatus = "pass" | "warn" | "fail";

export interface AccessCheck {
  key: string;
  label: string;
  status: CheckStatus;
  reasonCode?: string;
  message: string;
  remediation?: string;
}

export interface RunReport {
  checks: AccessCheck[];
  fingerprint?: string;
  checkedAt?: string;
}

export interface RunStep {
  key: string;
  label: string;
  status: RunStepStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string | null; remediation: string | null } | null;
}

export interface LogLine {
  id: string;
  stepKey: string | null;
  level: "info" | "warn" | "error" | string;
  message: string;
  at: string;
}

export interface Run {
  id: string;
  sessionId: string;
  workspaceId: string;
  kind: RunKind;
  status: RunStatus;
  outcome: RunOutcome | null;
  reasonCode: string | null;
  attempt: number;
  report: RunReport | null;
  initiatorId: string | null;
  cancelRequestedAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  heartbeatAt?: string | null;
  leaseGeneration?: number;
  health?: RunHealth | null;
  steps?: RunStep[];
  log?: LogLine[];
  /** Every attempt of every step (run detail only): the timeline. */
  attempts?: RunAttempt[];
}

export interface RunAttempt {
  stepKey: string;
  attempt: number;
  leaseGeneration: number;
  workerId: string | null;
  startedAt: string;
  finishedAt: string | null;
  outcome: "succeeded" | "failed" | "retrying" | "cancelled" | "lost" | null;
  errorCode: string | null;
  backoffMs: number | null;
}

export interface RunStarted {
  run: Run;
  session: Session;
  deduplicated: boolean;
}

export type CancelledSession = Session & { deprovisionAvailable: boolean };

export interface AuditEntry {
  id: string;
  action: string;
  actor: { userId: string | null; tokenId: string | null; label: string };
  targetType: string;
  targetId: string;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string | null;
  data: { changes?: Record<string, { from: unknown; to: unknown }> } & Record<string, unknown>;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  userId: string;
  ownerEmail: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
}
export type ApiTokenCreated = ApiToken & { token: string };

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}
export type WebhookCreated = WebhookEndpoint & { secret: string };

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface Connection {
  id: string;
  name: string;
  kind: "simulated" | "github" | "cloudflare";
  config: { org?: string; templateOwner?: string; templateRepo?: string; baseUrl?: string; accountId?: string; apiBaseUrl?: string } & Record<
    string,
    unknown
  >;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

export type InvitationState = "pending" | "accepted" | "revoked" | "expired";

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  state: InvitationState;
  invitedByEmail: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface InvitationCreated {
  invitation: Invitation;
  /** The link to send; shown this once. */
  inviteUrl: string;
  emailed: boolean;
}

export interface InvitationLookup {
  workspaceName: string;
  role: Role;
  email: string;
  state: InvitationState;
  expiresAt: string;
  accountExists: boolean;
}

export interface InvitationAccepted {
  workspace: { id: string; slug: string; name: string };
  role: Role;
  email: string;
  accountCreated: boolean;
}

export type PlatformStatus = "provisioning" | "active" | "suspended" | "deprovisioned";

export interface Platform {
  id: string;
  slug: string;
  tier: Tier;
  status: PlatformStatus;
  repoUrl: string | null;
  deploymentUrl: string | null;
  createdAt: string;
  activatedAt: string | null;
  onboardingId: string | null;
  platformName: string | null;
}

export type ResourceProvider = "simulated" | "github" | "cloudflare";

/** One row of an onboarding's resource ledger (GET /onboarding/:id/resources; lib/resources/serialize.ts). */
export interface Resource {
  id: string;
  provider: ResourceProvider;
  type: string;
  name: string;
  externalId: string;
  /** Already there when the onboarding found it: kept by deprovision. */
  preExisted: boolean;
  runId: string | null;
  stepKey: string | null;
  consoleUrl: string | null;
  details: Record<string, string>;
  createdAt: string;
  deletedAt: string | null;
}

interface PlanItem {
  resourceId: string;
  provider: ResourceProvider;
  type: string;
  name: string;
  externalId: string;
  consoleUrl: string | null;
}

/** POST /onboarding/:id/deprovision {"dryRun": true}: what a deprovision run would do now. */
export interface DeprovisionPlan {
  dryRun: true;
  sessionId: string;
  /** In the order they will be deleted (reverse creation order). */
  delete: (PlanItem & { order: number })[];
  keep: (PlanItem & { reason: "pre_existed" })[];
  alreadyDeleted: (PlanItem & { deletedAt: string })[];
  retirePlatform: boolean;
  /** No ledger: the run removes the repository and simulated infrastructure by name. */
  byName: boolean;
}
