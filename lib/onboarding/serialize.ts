import type { OnboardingSession } from "@/lib/generated/prisma/client";
import type { z } from "zod";
import type { sessionResponse } from "./schemas";
import type { SeedStep } from "./constants";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type SessionResponse = z.infer<typeof sessionResponse>;

/** Row → API shape: ISO dates, no internal columns (activeSlug). */
export function serializeSession(s: OnboardingSession): SessionResponse {
  return {
    id: s.id,
    onboardingId: s.id,
    workspaceId: s.workspaceId,
    platformName: s.platformName,
    slug: s.slug,
    tier: s.tier,
    stackTemplateId: s.stackTemplateId,
    userId: s.userId,
    connectionId: s.connectionId,
    draft: (s.draft ?? {}) as Record<string, unknown>,
    status: s.status,
    steps: seedSteps(s.steps),
    provisionJobId: s.provisionJobId,
    platformId: s.platformId,
    lifecycleState: s.lifecycleState,
    currentCheckpoint: s.currentCheckpoint,
    lastCompletedCheckpoint: s.lastCompletedCheckpoint,
    reasonCode: s.reasonCode,
    blockingReasonCode: s.blockingReasonCode,
    simulation: s.simulation ?? null,
    version: s.version,
    updatedById: s.updatedById,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    completedAt: iso(s.completedAt),
    cancelledAt: iso(s.cancelledAt),
    activatedAt: iso(s.activatedAt),
    activationOverrideReason: s.activationOverrideReason,
  };
}

/** The seed's step shape, in the seed's key order (jsonb does not keep key order). */
export function seedSteps(steps: unknown): SeedStep[] {
  return ((steps as SeedStep[]) ?? []).map((st) =>
    st.result === undefined ? { key: st.key, status: st.status, label: st.label } : { key: st.key, status: st.status, label: st.label, result: st.result },
  );
}

export const etagFor = (s: Pick<OnboardingSession, "version">) => `"${s.version}"`;
