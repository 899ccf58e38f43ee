import "server-only";
// Webhook events are written to WebhookDelivery rows in the transaction of the change that
// caused them (an outbox), then handed to the queue after commit.
import { newId } from "@/lib/db/ids";
import { utcTimestamp, type RawTx } from "@/lib/db/sql";
import type { OnboardingSession, OperationRun, Prisma } from "@/lib/generated/prisma/client";

export const WEBHOOK_EVENTS = [
  "onboarding.completed",
  "onboarding.failed",
  "onboarding.cancelled",
  "onboarding.activated",
  "onboarding.stalled",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function eventFor(before: OnboardingSession, after: OnboardingSession): WebhookEvent | null {
  if (!before.activatedAt && after.activatedAt) return "onboarding.activated";
  if (before.status === after.status) return null;
  if (after.status === "completed") return "onboarding.completed";
  if (after.status === "failed") return "onboarding.failed";
  if (after.status === "cancelled") return "onboarding.cancelled";
  return null;
}

export function eventPayload(event: WebhookEvent, s: OnboardingSession): Prisma.InputJsonValue {
  return {
    event,
    occurredAt: new Date().toISOString(),
    onboarding: {
      id: s.id,
      workspaceId: s.workspaceId,
      platformName: s.platformName,
      slug: s.slug,
      tier: s.tier,
      status: s.status,
      lifecycleState: s.lifecycleState,
      reasonCode: s.reasonCode,
      platformId: s.platformId,
      version: s.version,
      steps: s.steps,
    },
  } as Prisma.InputJsonValue;
}

/** Returns the ids of the deliveries created, to be enqueued once the transaction commits. */
export async function recordWebhookEvent(
  tx: RawTx,
  before: OnboardingSession,
  after: OnboardingSession,
): Promise<string[]> {
  const event = eventFor(before, after);
  if (!event) return [];
  return insertDeliveries(tx, after.workspaceId, event, eventPayload(event, after));
}

/**
 * One delivery of `payload` per active endpoint of the workspace subscribed to `event`, in raw
 * statements (a session change may run in a plain pg transaction: lib/db/sql.ts). Answers their ids.
 */
async function insertDeliveries(
  tx: RawTx,
  workspaceId: string,
  event: WebhookEvent,
  payload: Prisma.InputJsonValue,
): Promise<string[]> {
  const endpoints = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "WebhookEndpoint" WHERE "workspaceId" = $1 AND "active" AND $2 = ANY("events") ORDER BY "createdAt", "id"`,
    workspaceId,
    event,
  );
  if (endpoints.length === 0) return [];
  const ids = endpoints.map(() => newId());
  await tx.$executeRawUnsafe(
    `INSERT INTO "WebhookDelivery" ("id", "endpointId", "event", "payload", "createdAt", "updatedAt")
     SELECT d."id", d."endpointId", $3, $4::jsonb, $5::timestamp, $5::timestamp
     FROM unnest($1::text[], $2::text[]) AS d("id", "endpointId")`,
    ids,
    endpoints.map((e) => e.id),
    event,
    JSON.stringify(payload),
    utcTimestamp(new Date()),
  );
  return ids;
}

/**
 * An event about a run rather than a change of the session (onboarding.stalled): the payload is
 * the session as it is, plus the run and its health.
 */
export async function recordRunEvent(
  tx: RawTx,
  event: WebhookEvent,
  session: OnboardingSession,
  run: OperationRun,
): Promise<string[]> {
  const payload = {
    ...(eventPayload(event, session) as Record<string, unknown>),
    run: {
      id: run.id,
      kind: run.kind,
      status: run.status,
      health: run.health,
      healthReason: run.healthReason,
      heartbeatAt: run.heartbeatAt?.toISOString() ?? null,
    },
  } as Prisma.InputJsonValue;
  return insertDeliveries(tx, session.workspaceId, event, payload);
}
