import "server-only";
// Onboarding use cases shared by the API and the wizard. Every session write goes through
// mutateSession (version check + lifecycle + audit in one transaction).
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import type { OnboardingSession, Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/api/errors";
import { auditActor, authorize, type Actor, type ActorMembership } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { initialSteps, type SeedStep } from "./constants";
import { deriveLifecycle } from "./lifecycle";
import { conflictError, mutateSession, type VersionSource } from "./mutate-session";
import type { CreateOnboardingInput, PatchOnboardingInput } from "./schemas";
import { illegal, slugTaken } from "./errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { assertAllowed, assertRole } from "./actions";
import { latestRunsOf } from "./queries";
import { seedSteps } from "./serialize";
import { cancelActiveRunsInTx, startRun } from "@/lib/runs/start-run";

export async function loadSessionFor(actor: Actor, id: string, capability: Parameters<typeof authorize>[2]): Promise<OnboardingSession> {
  const session = await db().onboardingSession.findUnique({ where: { id } });
  if (!session) throw notFound("Onboarding");
  authorize(actor, session.workspaceId, capability, "Onboarding");
  return session;
}

/** Which kinds of connection may fill each role: repositories and infrastructure. */
const CONNECTION_ROLES = {
  connectionId: { kinds: ["simulated", "github"], what: "repository" },
  infraConnectionId: { kinds: ["simulated", "cloudflare"], what: "infrastructure" },
} as const;

async function assertConnection(
  workspaceId: string,
  connectionId: string | null | undefined,
  simulation: unknown,
  field: keyof typeof CONNECTION_ROLES = "connectionId",
) {
  if (!connectionId) return null;
  const connection = await db().providerConnection.findFirst({ where: { id: connectionId, workspaceId } });
  if (!connection) {
    throw new ApiError("validation_failed", "Unknown provider connection.", {
      fields: [{ field, message: "No such connection in this workspace" }],
    });
  }
  const role = CONNECTION_ROLES[field];
  if (!(role.kinds as readonly string[]).includes(connection.kind)) {
    throw new ApiError("validation_failed", `A ${connection.kind} connection cannot be the ${role.what} connection.`, {
      reasonCode: "connection_wrong_role",
      fields: [{ field, message: `Choose a ${role.kinds.join(" or ")} connection`, code: "connection_wrong_role" }],
    });
  }
  if (simulation && connection.kind !== "simulated") {
    throw new ApiError("validation_failed", "Failure injection is only available with the simulated provider.", {
      fields: [{ field: "simulation", message: `Not allowed with the ${connection.kind} connection "${connection.name}"` }],
    });
  }
  return connection;
}

function requestHash(actor: Actor, body: unknown): string {
  return createHash("sha256").update(actor.userId).update("\0").update(JSON.stringify(body)).digest("hex");
}

export interface CreateResult {
  status: number;
  body: { onboardingId: string; jobId: string | null; status: string; steps: SeedStep[]; version: number };
  replayed: boolean;
}

export async function createOnboarding(
  actor: Actor,
  membership: ActorMembership,
  input: CreateOnboardingInput,
  idempotencyKey: string | null,
): Promise<CreateResult> {
  authorize(actor, membership.workspaceId, "manage_drafts", "Workspace");
  if (input.autoStart) authorize(actor, membership.workspaceId, "run_operations", "Workspace");
  if (input.userId && input.userId !== actor.userId) {
    throw new ApiError("validation_failed", "userId must be the caller (or omitted).", {
      fields: [{ field: "userId", message: "Must be your own user id" }],
    });
  }
  const hash = requestHash(actor, input);
  if (idempotencyKey) {
    const replay = await findReplay(membership.workspaceId, idempotencyKey, hash);
    if (replay) return replay;
  }
  await assertConnection(membership.workspaceId, input.connectionId, input.simulation);
  await assertConnection(membership.workspaceId, input.infraConnectionId, input.simulation, "infraConnectionId");
  const platformWithSlug = await db().platform.findUnique({
    where: { workspaceId_slug: { workspaceId: membership.workspaceId, slug: input.slug } },
  });
  if (platformWithSlug && platformWithSlug.status !== "deprovisioned") throw slugTaken(input.slug);

  let session: OnboardingSession;
  try {
    session = await db().$transaction(async (tx) => {
      const steps = initialSteps();
      const draftInput = {
        slug: input.slug,
        connectionId: input.connectionId ?? null,
        infraConnectionId: input.infraConnectionId ?? null,
        stackTemplateId: input.stackTemplateId ?? null,
        draft: input.connectionId || input.infraConnectionId ? { connectConfirmed: true } : {},
        status: "pending" as const,
        steps,
        provisionJobId: null,
        currentCheckpoint: "identify" as const,
        cancelledAt: null,
        activatedAt: null,
      };
      const derived = deriveLifecycle(draftInput, {});
      const created = await tx.onboardingSession.create({
        data: {
          workspaceId: membership.workspaceId,
          platformName: input.platformName,
          slug: input.slug,
          activeSlug: input.slug,
          tier: input.tier,
          stackTemplateId: input.stackTemplateId ?? null,
          userId: actor.userId,
          connectionId: input.connectionId ?? null,
          infraConnectionId: input.infraConnectionId ?? null,
          draft: draftInput.draft,
          simulation: (input.simulation ?? undefined) as Prisma.InputJsonValue | undefined,
          ...derived,
          steps: derived.steps as unknown as Prisma.InputJsonValue,
          updatedById: actor.userId,
        },
      });
      await recordAudit(tx, auditActor(actor), {
        workspaceId: membership.workspaceId,
        action: "onboarding.created",
        targetType: "onboarding_session",
        targetId: created.id,
        toVersion: created.version,
        data: { platformName: input.platformName, slug: input.slug, tier: input.tier } as Prisma.InputJsonValue,
      });
      if (idempotencyKey) {
        await tx.idempotencyRecord.create({
          data: { workspaceId: membership.workspaceId, key: idempotencyKey, requestHash: hash, responseStatus: 202, responseBody: createdBody(created, null) as unknown as Prisma.InputJsonValue },
        });
      }
      return created;
    });
  } catch (err) {
    if (idempotencyKey && isUniqueViolation(err, "key")) {
      const replay = await findReplay(membership.workspaceId, idempotencyKey, hash);
      if (replay) return replay;
    }
    if (isUniqueViolation(err)) throw slugTaken(input.slug);
    throw err;
  }

  let jobId: string | null = null;
  if (input.autoStart) {
    const started = await startRun(actor, session, "verify_access", { expectedVersion: session.version, versionSource: "body" });
    session = started.session;
    jobId = started.run.id;
  }
  const body = createdBody(session, jobId);
  if (idempotencyKey && jobId) {
    await db().idempotencyRecord.update({
      where: { workspaceId_key: { workspaceId: membership.workspaceId, key: idempotencyKey } },
      data: { responseBody: body as unknown as Prisma.InputJsonValue },
    });
  }
  return { status: 202, body, replayed: false };
}

function createdBody(s: OnboardingSession, jobId: string | null) {
  return { onboardingId: s.id, jobId: jobId ?? s.provisionJobId, status: s.status, steps: seedSteps(s.steps), version: s.version };
}

async function findReplay(workspaceId: string, key: string, hash: string): Promise<CreateResult | null> {
  const record = await db().idempotencyRecord.findUnique({ where: { workspaceId_key: { workspaceId, key } } });
  if (!record) return null;
  if (record.requestHash !== hash) {
    throw new ApiError("idempotency_key_reused", "This Idempotency-Key was already used with a different request body.");
  }
  return { status: record.responseStatus, body: record.responseBody as unknown as CreateResult["body"], replayed: true };
}

const IDENTITY_FIELDS = ["platformName", "slug", "tier", "stackTemplateId"] as const;
const EXECUTOR_FIELDS = ["steps", "status", "provisionJobId"] as const;

const STATUS_TRANSITIONS: Record<string, string[]> = {
  pending: ["in_progress", "failed", "cancelled"],
  in_progress: ["completed", "failed", "cancelled"],
  failed: ["in_progress", "cancelled"],
  completed: [],
  cancelled: [],
};

export async function updateOnboarding(
  actor: Actor,
  id: string,
  input: PatchOnboardingInput,
  base: { version: number; source: VersionSource },
): Promise<OnboardingSession> {
  const existing = await loadSessionFor(actor, id, "view");
  const { role } = authorize(actor, existing.workspaceId, "view", "Onboarding");
  const touchesDraft = Object.keys(input).some((k) => k !== "version" && !(EXECUTOR_FIELDS as readonly string[]).includes(k));
  const touchesExecutor = EXECUTOR_FIELDS.some((k) => input[k] !== undefined);
  if (touchesDraft) assertRole("saveAnswers", role);
  if (touchesExecutor) assertRole("reportProgress", role);
  // Already stale when read: answer the conflict without opening a transaction (the
  // transaction checks again, so a write that goes stale after this still loses).
  if (existing.version !== base.version) throw conflictError(existing, base.source, base.version);
  if (input.connectionId !== undefined) await assertConnection(existing.workspaceId, input.connectionId, existing.simulation);
  if (input.infraConnectionId !== undefined) {
    await assertConnection(existing.workspaceId, input.infraConnectionId, existing.simulation, "infraConnectionId");
  }

  return mutateSession({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: touchesExecutor && !touchesDraft ? "onboarding.progress_reported" : "onboarding.updated",
    change: async (session, tx) => {
      const guard = { session, runs: await latestRunsOf(tx, id), role };
      assertAllowed("saveAnswers", guard);
      if (IDENTITY_FIELDS.some((k) => input[k] !== undefined && input[k] !== session[k])) assertAllowed("saveDraft", guard);
      const connectionChange =
        (input.connectionId !== undefined && input.connectionId !== session.connectionId) ||
        (input.infraConnectionId !== undefined && input.infraConnectionId !== session.infraConnectionId);
      if (connectionChange) assertAllowed("connect", guard);
      if (touchesExecutor) assertAllowed("reportProgress", guard);
      if (input.status !== undefined && input.status !== session.status && !STATUS_TRANSITIONS[session.status]?.includes(input.status)) {
        throw illegal("illegal_status_transition", `Status cannot go from ${session.status} to ${input.status}.`);
      }
      if (input.status === "cancelled") {
        throw illegal("use_cancel_endpoint", "Cancel an onboarding with POST /api/v1/onboarding/:id/cancel.");
      }
      if ((input.status !== undefined || input.steps !== undefined) && !(input.provisionJobId ?? session.provisionJobId)) {
        throw illegal("executor_job_required", "Report progress together with the executor's provisionJobId.");
      }
      const data: Prisma.OnboardingSessionUncheckedUpdateInput = {};
      for (const key of IDENTITY_FIELDS) if (input[key] !== undefined) (data as Record<string, unknown>)[key] = input[key];
      if (input.slug !== undefined) data.activeSlug = input.slug;
      let draft = { ...((session.draft as Record<string, unknown>) ?? {}) };
      if (input.draft) {
        for (const [k, v] of Object.entries(input.draft)) {
          if (v === null) delete draft[k];
          else draft[k] = v;
        }
      }
      if (input.connectionId !== undefined) data.connectionId = input.connectionId;
      if (input.infraConnectionId !== undefined) data.infraConnectionId = input.infraConnectionId;
      if (input.connectionId !== undefined || input.infraConnectionId !== undefined) draft = { ...draft, connectConfirmed: true };
      data.draft = draft as Prisma.InputJsonValue;
      if (input.provisionJobId !== undefined) data.provisionJobId = input.provisionJobId;
      if (input.status !== undefined) data.status = input.status;
      if (input.steps) data.steps = mergeSteps(session.steps as unknown as SeedStep[], input.steps) as unknown as Prisma.InputJsonValue;
      if (input.status === "completed" && session.status !== "completed") data.completedAt = new Date();
      // A save that changes nothing (re-selecting the same connection, saving an untouched
      // form) writes nothing: no new version, no audit event, no conflict for other tabs.
      return changesAnything(session, data) ? data : null;
    },
  }).catch((err) => {
    if (isUniqueViolation(err)) throw slugTaken(input.slug ?? existing.slug);
    throw err;
  });
}

function changesAnything(session: OnboardingSession, data: Prisma.OnboardingSessionUncheckedUpdateInput): boolean {
  const current = session as unknown as Record<string, unknown>;
  return Object.entries(data).some(([key, value]) => JSON.stringify(value ?? null) !== JSON.stringify(current[key] ?? null));
}

function mergeSteps(current: SeedStep[], reported: NonNullable<PatchOnboardingInput["steps"]>): SeedStep[] {
  const base = current.length ? current : initialSteps();
  return base.map((step) => {
    const update = reported.find((r) => r.key === step.key);
    return update ? { ...step, status: update.status, ...(update.result !== undefined ? { result: update.result } : {}) } : step;
  });
}

export async function cancelOnboarding(actor: Actor, id: string, base: { version: number; source: VersionSource }, reason?: string) {
  const existing = await loadSessionFor(actor, id, "view");
  const { role } = authorize(actor, existing.workspaceId, "view", "Onboarding");
  assertRole("cancel", role);
  return mutateSession({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: "onboarding.cancelled",
    reason: reason ?? null,
    change: async (session, tx) => {
      assertAllowed("cancel", { session, runs: await latestRunsOf(tx, id), role });
      await cancelActiveRunsInTx(tx, id, auditActor(actor));
      return { cancelledAt: new Date(), activeSlug: null };
    },
  });
}

export async function activateOnboarding(
  actor: Actor,
  id: string,
  base: { version: number; source: VersionSource },
  opts: { override?: boolean; reason?: string },
) {
  const existing = await loadSessionFor(actor, id, "view");
  const { role } = authorize(actor, existing.workspaceId, "view", "Onboarding");
  const action = opts.override ? "overrideActivate" : "activate";
  assertRole(action, role);
  return mutateSession({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: opts.override ? "onboarding.activated_with_override" : "onboarding.activated",
    reason: opts.reason ?? null,
    change: async (session, tx) => {
      assertAllowed(action, { session, runs: await latestRunsOf(tx, id), role });
      const now = new Date();
      if (session.platformId) {
        await tx.platform.update({ where: { id: session.platformId }, data: { status: "active", activatedAt: now } });
      }
      return { activatedAt: now, completedAt: session.completedAt ?? now, activationOverrideReason: opts.override ? opts.reason : null };
    },
  });
}
