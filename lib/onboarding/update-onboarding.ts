import "server-only";
// Save wizard answers (draft fields, connections) or an executor's progress report; every
// write through mutate-session.ts, allowed by lib/onboarding/actions.ts.
import type { OnboardingSession, Prisma } from "@/lib/generated/prisma/client";
import { auditActor, type Actor } from "@/lib/auth/actor";
import { initialSteps, type SeedStep } from "./constants";
import { conflictError, mutateSessionSql, type VersionSource } from "./mutate-session";
import type { PatchOnboardingInput } from "./schemas";
import { illegal, slugTaken } from "./errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { assertAllowed, assertRole } from "./actions";
import { latestRunsOf } from "./queries";
import { assertConnection } from "./assert-connection";
import type { SessionAccess } from "./load-session-for";

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
  { session: existing, role }: SessionAccess,
  input: PatchOnboardingInput,
  base: { version: number; source: VersionSource },
): Promise<OnboardingSession> {
  const id = existing.id;
  const touchesDraft = Object.keys(input).some(
    (k) => k !== "version" && !(EXECUTOR_FIELDS as readonly string[]).includes(k),
  );
  const touchesExecutor = EXECUTOR_FIELDS.some((k) => input[k] !== undefined);
  if (touchesDraft) assertRole("saveAnswers", role);
  if (touchesExecutor) assertRole("reportProgress", role);
  // Already stale when read: answer the conflict without opening a transaction (the
  // transaction checks again, so a write that goes stale after this still loses).
  if (existing.version !== base.version) throw conflictError(existing, base.source, base.version);
  if (input.connectionId !== undefined)
    await assertConnection(existing.workspaceId, input.connectionId, existing.simulation);
  if (input.infraConnectionId !== undefined) {
    await assertConnection(existing.workspaceId, input.infraConnectionId, existing.simulation, "infraConnectionId");
  }

  // Every statement of a save is raw: a plain pg transaction (lib/db/sql.ts).
  return mutateSessionSql({
    sessionId: id,
    expectedVersion: base.version,
    versionSource: base.source,
    actor: auditActor(actor),
    action: touchesExecutor && !touchesDraft ? "onboarding.progress_reported" : "onboarding.updated",
    change: async (session, tx) => {
      const guard = { session, runs: await latestRunsOf(tx, id), role };
      assertAllowed("saveAnswers", guard);
      if (IDENTITY_FIELDS.some((k) => input[k] !== undefined && input[k] !== session[k]))
        assertAllowed("saveDraft", guard);
      const connectionChange =
        (input.connectionId !== undefined && input.connectionId !== session.connectionId) ||
        (input.infraConnectionId !== undefined && input.infraConnectionId !== session.infraConnectionId);
      if (connectionChange) assertAllowed("connect", guard);
      if (touchesExecutor) assertAllowed("reportProgress", guard);
      if (
        input.status !== undefined &&
        input.status !== session.status &&
        !STATUS_TRANSITIONS[session.status]?.includes(input.status)
      ) {
        throw illegal("illegal_status_transition", `Status cannot go from ${session.status} to ${input.status}.`);
      }
      if (input.status === "cancelled") {
        throw illegal("use_cancel_endpoint", "Cancel an onboarding with POST /api/v1/onboarding/:id/cancel.");
      }
      if (
        (input.status !== undefined || input.steps !== undefined) &&
        !(input.provisionJobId ?? session.provisionJobId)
      ) {
        throw illegal("executor_job_required", "Report progress together with the executor's provisionJobId.");
      }
      const data: Prisma.OnboardingSessionUncheckedUpdateInput = {};
      for (const key of IDENTITY_FIELDS)
        if (input[key] !== undefined) (data as Record<string, unknown>)[key] = input[key];
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
      if (input.connectionId !== undefined || input.infraConnectionId !== undefined)
        draft = { ...draft, connectConfirmed: true };
      data.draft = draft as Prisma.InputJsonValue;
      if (input.provisionJobId !== undefined) data.provisionJobId = input.provisionJobId;
      if (input.status !== undefined) data.status = input.status;
      if (input.steps)
        data.steps = mergeSteps(
          session.steps as unknown as SeedStep[],
          input.steps,
        ) as unknown as Prisma.InputJsonValue;
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
  return Object.entries(data).some(
    ([key, value]) => JSON.stringify(value ?? null) !== JSON.stringify(current[key] ?? null),
  );
}

function mergeSteps(current: SeedStep[], reported: NonNullable<PatchOnboardingInput["steps"]>): SeedStep[] {
  const base = current.length ? current : initialSteps();
  return base.map((step) => {
    const update = reported.find((r) => r.key === step.key);
    return update
      ? { ...step, status: update.status, ...(update.result !== undefined ? { result: update.result } : {}) }
      : step;
  });
}
