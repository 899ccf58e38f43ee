// Every React Query key the UI uses, from one factory: invalidating a prefix (e.g.
// `queryKeys.onboardings.detail(id)`) reaches the session, its runs and its audit trail.
import type { OnboardingFilters } from "./api";
import type { OperationRunFilters, PlatformStatus } from "./types";

export const queryKeys = {
  me: () => ["me"] as const,

  onboardings: {
    all: () => ["onboardings"] as const,
    lists: () => ["onboardings", "list"] as const,
    list: (filters: OnboardingFilters) => ["onboardings", "list", filters] as const,
    detail: (id: string) => ["onboardings", "detail", id] as const,
    session: (id: string) => ["onboardings", "detail", id, "session"] as const,
    runs: (id: string) => ["onboardings", "detail", id, "runs"] as const,
    /** The wizard's conditional poll; it fills `session`, `runs` and the runs' details. */
    watch: (id: string) => ["onboardings", "detail", id, "watch"] as const,
    audit: (id: string) => ["onboardings", "detail", id, "audit"] as const,
    resources: (id: string) => ["onboardings", "detail", id, "resources"] as const,
    deprovisionPlan: (id: string) => ["onboardings", "detail", id, "deprovision-plan"] as const,
    /** What changed after `version` (for a conflict warning). */
    changesSince: (id: string, version: number) => ["onboardings", "detail", id, "changes-since", version] as const,
    slug: (slug: string, excludeId?: string) => ["onboardings", "slug-availability", slug, excludeId ?? null] as const,
  },

  runs: {
    all: () => ["runs"] as const,
    detail: (runId: string) => ["runs", runId] as const,
  },

  notifications: {
    all: () => ["notifications"] as const,
  },

  operations: {
    all: () => ["operations"] as const,
    list: (filters: OperationRunFilters) => ["operations", "list", filters] as const,
  },
  insights: (days: number) => ["insights", days] as const,

  platforms: {
    all: () => ["platforms"] as const,
    list: (status?: PlatformStatus) => ["platforms", "list", status ?? null] as const,
  },

  settings: {
    tokens: () => ["settings", "tokens"] as const,
    webhooks: () => ["settings", "webhooks"] as const,
    deliveries: (webhookId: string) => ["settings", "webhooks", webhookId, "deliveries"] as const,
    connections: () => ["settings", "connections"] as const,
    members: () => ["settings", "members"] as const,
    invitations: () => ["settings", "invitations"] as const,
  },

  invitation: (token: string) => ["invitation", token] as const,
};
