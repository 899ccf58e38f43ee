import "server-only";
// Rows → API shapes: ISO dates, no internal columns. Never a secret, a ciphertext or a token hash.
import type { z } from "zod";
import type {
  ApiToken,
  Membership,
  OnboardingSession,
  Platform,
  ProviderConnection,
  User,
  WebhookDelivery,
  WebhookEndpoint,
} from "@/lib/generated/prisma/client";
import type {
  connectionResponse,
  deliveryResponse,
  memberResponse,
  platformResponse,
  tokenResponse,
  webhookResponse,
} from "./schemas";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function serializeToken(t: ApiToken & { user: Pick<User, "email"> }): z.infer<typeof tokenResponse> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    userId: t.userId,
    ownerEmail: t.user.email,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
    expiresAt: iso(t.expiresAt),
  };
}

export function serializeWebhook(w: WebhookEndpoint): z.infer<typeof webhookResponse> {
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    active: w.active,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

export function serializeDelivery(d: WebhookDelivery): z.infer<typeof deliveryResponse> {
  return {
    id: d.id,
    endpointId: d.endpointId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
    nextAttemptAt: iso(d.nextAttemptAt),
  };
}

export function serializeConnection(c: ProviderConnection): z.infer<typeof connectionResponse> {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    config: (c.config ?? {}) as Record<string, unknown>,
    hasSecret: c.secretCiphertext !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function serializeMember(
  m: Membership & { user: Pick<User, "email" | "name"> },
): z.infer<typeof memberResponse> {
  return {
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    joinedAt: m.createdAt.toISOString(),
  };
}

export function serializePlatform(
  p: Platform & { session: Pick<OnboardingSession, "id" | "platformName"> | null },
): z.infer<typeof platformResponse> {
  return {
    id: p.id,
    slug: p.slug,
    tier: p.tier,
    status: p.status,
    repoUrl: p.repoUrl,
    deploymentUrl: p.deploymentUrl,
    createdAt: p.createdAt.toISOString(),
    activatedAt: iso(p.activatedAt),
    onboardingId: p.session?.id ?? null,
    platformName: p.session?.platformName ?? null,
  };
}
