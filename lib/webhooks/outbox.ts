import "server-only";
// Webhook events are written to WebhookDelivery rows in the transaction of the change that
// caused them (an outbox), then handed to the queue after commit.
import type { Tx } from "@/lib/db/client";
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
  tx: Tx,
  before: OnboardingSession,
  after: OnboardingSession,
): Promise<string[]> {
  const event = eventFor(before, after);
  if (!event) return [];
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { workspaceId: after.workspaceId, active: true, events: { has: event } },
  });
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    const delivery = await tx.webhookDelivery.create({
      data: { endpointId: endpoint.id, event, payload: eventPayload(event, after) },
    });
    ids.push(delivery.id);
  }
  return ids;
}

/**
 * An event about a run rather than a change of the session (onboarding.stalled): the payload is
 * the session as it is, plus the run and its health.
 */
export async function recordRunEvent(
  tx: Tx,
  event: WebhookEvent,
  session: OnboardingSession,
  run: OperationRun,
): Promise<string[]> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { workspaceId: session.workspaceId, active: true, events: { has: event } },
  });
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
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    const delivery = await tx.webhookDelivery.create({ data: { endpointId: endpoint.id, event, payload } });
    ids.push(delivery.id);
  }
  return ids;
}
