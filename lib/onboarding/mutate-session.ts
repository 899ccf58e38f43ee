import "server-only";
// The one path for every write to an OnboardingSession: version check, the change, lifecycle
// recalculation, version bump guarded by `WHERE version = expected`, and the audit event —
// all in one transaction. A stale or concurrent write changes nothing.
import { db, type Tx } from "@/lib/db/client";
import type { OnboardingSession, Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/api/errors";
import { recordAudit, type AuditActor } from "@/lib/audit/record-audit";
import { deriveLifecycle, type LifecycleRunInput } from "./lifecycle";
import { recordWebhookEvent } from "@/lib/webhooks/outbox";
import { enqueueWebhookDelivery } from "@/lib/queue/queue";
import { errorFields, log } from "@/lib/log/logger";

export type VersionSource = "body" | "if-match";

export interface SessionChange {
  sessionId: string;
  /** The version the caller based the write on; null for system writes (workers), which retry. */
  expectedVersion: number | null;
  versionSource?: VersionSource;
  actor: AuditActor;
  action: string;
  reason?: string | null;
  /** Refuse (throw ApiError) or return the columns to change. Runs inside the transaction. */
  change: (session: OnboardingSession, tx: Tx) => Promise<Prisma.OnboardingSessionUncheckedUpdateInput | null>;
  auditData?: (session: OnboardingSession) => Prisma.InputJsonValue | undefined;
}

const SYSTEM_RETRIES = 8;

export class VersionConflict extends ApiError {}

export function conflictError(
  current: OnboardingSession,
  source: VersionSource | undefined,
  expected: number,
): ApiError {
  const code = source === "if-match" ? "precondition_failed" : "version_conflict";
  return new ApiError(
    code,
    `This onboarding was changed since version ${expected}; it is now at version ${current.version}. Reload and re-apply your change.`,
    {
      extra: {
        expectedVersion: expected,
        currentVersion: current.version,
        current: {
          version: current.version,
          status: current.status,
          lifecycleState: current.lifecycleState,
          currentCheckpoint: current.currentCheckpoint,
          updatedAt: current.updatedAt.toISOString(),
          updatedById: current.updatedById,
        },
      },
      headers: { etag: `"${current.version}"` },
    },
  );
}

export async function latestRuns(
  tx: Tx,
  sessionId: string,
): Promise<{ verify: LifecycleRunInput | null; bootstrap: LifecycleRunInput | null }> {
  // One read for both kinds (a session has a handful of runs; resumes reuse their run).
  const runs = await tx.operationRun.findMany({
    where: { sessionId, kind: { in: ["verify_access", "bootstrap"] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: { steps: { orderBy: { position: "asc" } } },
  });
  return {
    verify: runs.find((r) => r.kind === "verify_access") ?? null,
    bootstrap: runs.find((r) => r.kind === "bootstrap") ?? null,
  };
}

export async function mutateSession(change: SessionChange): Promise<OnboardingSession> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { session, deliveries } = await db().$transaction((tx) => applyChange(tx, change));
      // After commit: a delivery that fails to enqueue stays pending and can be redelivered.
      for (const id of deliveries)
        await enqueueWebhookDelivery(id).catch((e) =>
          log.error({ deliveryId: id, ...errorFields(e) }, "webhook enqueue failed"),
        );
      return session;
    } catch (err) {
      // A system write lost a race with another writer: read again and re-apply.
      if (change.expectedVersion === null && err instanceof VersionConflict && attempt < SYSTEM_RETRIES) continue;
      throw err;
    }
  }
}

async function applyChange(
  tx: Tx,
  change: SessionChange,
): Promise<{ session: OnboardingSession; deliveries: string[] }> {
  const session = await tx.onboardingSession.findUnique({ where: { id: change.sessionId } });
  if (!session) throw notFound("Onboarding");
  const expected = change.expectedVersion ?? session.version;
  if (session.version !== expected) throw conflictError(session, change.versionSource, expected);

  const data = await change.change(session, tx);
  if (data === null) return { session, deliveries: [] };

  const merged = { ...session, ...data } as OnboardingSession;
  const derived = deriveLifecycle(merged, await latestRuns(tx, session.id));
  const nextVersion = session.version + 1;
  const [updated] = await tx.onboardingSession.updateManyAndReturn({
    where: { id: session.id, version: session.version },
    data: {
      ...(data as Prisma.OnboardingSessionUncheckedUpdateManyInput),
      ...derived,
      steps: derived.steps as unknown as Prisma.InputJsonValue,
      version: nextVersion,
      updatedById: change.actor.userId ?? session.updatedById,
    },
  });
  if (!updated) {
    const current = await tx.onboardingSession.findUniqueOrThrow({ where: { id: session.id } });
    const err = conflictError(current, change.versionSource, expected);
    throw new VersionConflict(err.code, err.message, { extra: err.extra, headers: err.headers });
  }
  await recordAudit(tx, change.actor, {
    workspaceId: session.workspaceId,
    action: change.action,
    targetType: "onboarding_session",
    targetId: session.id,
    fromVersion: session.version,
    toVersion: nextVersion,
    reason: change.reason ?? null,
    data: change.auditData?.(session) ?? diffForAudit(session, updated),
  });
  return { session: updated, deliveries: await recordWebhookEvent(tx, session, updated) };
}

const AUDITED_FIELDS = [
  "platformName",
  "slug",
  "tier",
  "stackTemplateId",
  "connectionId",
  "infraConnectionId",
  "draft",
  "status",
  "lifecycleState",
  "currentCheckpoint",
  "provisionJobId",
  "reasonCode",
  "blockingReasonCode",
] as const;

/** Field-level before/after, so the audit and the conflict warning can say what changed. */
export function diffForAudit(before: OnboardingSession, after: OnboardingSession): Prisma.InputJsonValue {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of AUDITED_FIELDS) {
    const a = JSON.stringify(before[field] ?? null);
    const b = JSON.stringify(after[field] ?? null);
    if (a !== b) changes[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return { changes } as Prisma.InputJsonValue;
}
