import "server-only";
import type { OnboardingSession } from "@/lib/generated/prisma/client";
import type { z } from "zod";
import type { Role } from "@/lib/auth/capabilities";
import type { sessionResponse, sessionSummaryResponse } from "./schemas";
import type { SeedStep } from "./constants";
import { sessionActions, type LatestRuns } from "./actions";
import type { RunHealthView } from "@/lib/runs/health";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type SessionResponse = z.infer<typeof sessionResponse>;
export type SessionSummaryResponse = z.infer<typeof sessionSummaryResponse>;

/** A session as one caller sees it: what it may do next depends on its role and the runs. */
export interface SessionView {
  session: OnboardingSession;
  runs: LatestRuns;
  role: Role;
  /** The active run's health (lib/runs/health.ts), when one is active. */
  health?: RunHealthView | null;
}

/** The single-session response (GET, PATCH, the actions): the session and its `actions` for this caller. */
export function serializeSessionView(view: SessionView): SessionResponse {
  return { ...serializeSession(view.session, view.health), actions: sessionActions(view) };
}

/** Row → API shape: ISO dates, no internal columns (activeSlug). List items carry no `actions`. */
export function serializeSession(s: OnboardingSession, health?: RunHealthView | null): SessionSummaryResponse {
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
    infraConnectionId: s.infraConnectionId,
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
    health: health ?? null,
  };
}

/** The seed's step shape, in the seed's key order (jsonb does not keep key order). */
export function seedSteps(steps: unknown): SeedStep[] {
  return ((steps as SeedStep[]) ?? []).map((st) =>
    st.result === undefined
      ? { key: st.key, status: st.status, label: st.label }
      : { key: st.key, status: st.status, label: st.label, result: st.result },
  );
}

/**
 * The version, the run progress since (a bootstrap's steps move `progress`, not `version`) and
 * the caller's role: `actions` differ by role, so a viewer's If-None-Match must not be answered
 * 304 with an owner's body. If-Match takes the version from it (lib/api/session-version.ts).
 */
export const etagFor = (view: { session: Pick<OnboardingSession, "version" | "progress">; role: Role }) =>
  view.session.progress > 0
    ? `"${view.session.version}.${view.session.progress}-${view.role}"`
    : `"${view.session.version}-${view.role}"`;
