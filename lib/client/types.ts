// Types of the HTTP API as the browser sees it, inferred from the schemas the route
// declarations (lib/api/routes) document and the conformance test holds the real responses to.
// Type-only imports: nothing of the server reaches the bundle.
import type { z } from "zod";
import type {
  auditEntryResponse,
  cancelledSessionResponse,
  createdResponse,
  createOnboardingSchema,
  patchOnboardingSchema,
  sessionResponse,
  sessionSummaryResponse,
  simulationSchema,
  slugAvailabilityResponse,
} from "@/lib/onboarding/schemas";
import type { watchResponse } from "@/lib/onboarding/watch-schemas";
import type { notificationListResponse, notificationResponse } from "@/lib/notifications/schemas";
import type { listOperationRunsQuery, operationRunListItem } from "@/lib/operations/schemas";
import type { insightsResponse } from "@/lib/insights/schemas";
import type {
  accessCheckResponse,
  checkAssistResponse,
  FIX_OWNERS,
  logLineResponse,
  RUN_KINDS,
  RUN_OUTCOMES,
  RUN_STATUSES,
  RUN_STEP_STATUSES,
  runReportResponse,
  runAttemptResponse,
  runResponse,
  runStartedResponseSchema,
  runStepResponse,
} from "@/lib/runs/run-schemas";
import type {
  connectionResponse,
  deliveryResponse,
  memberResponse,
  PLATFORM_STATUSES,
  platformResponse,
  tokenCreatedResponse,
  tokenResponse,
  webhookCreatedResponse,
  webhookResponse,
} from "@/lib/settings/schemas";
import type {
  INVITATION_STATES,
  invitationAcceptedResponse,
  invitationCreatedResponse,
  invitationLookupResponse,
  invitationResponse,
} from "@/lib/invitations/schemas";
import type { deprovisionPlanResponse, resourceResponse } from "@/lib/resources/schemas";
import type { meResponse } from "@/lib/auth/schemas";
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

export type Simulation = z.input<typeof simulationSchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Me = z.infer<typeof meResponse>;

export type CreateOnboardingInput = z.input<typeof createOnboardingSchema>;
export type OnboardingCreated = z.infer<typeof createdResponse>;
export type SlugAvailability = z.infer<typeof slugAvailabilityResponse>;
export type PatchOnboardingInput = z.input<typeof patchOnboardingSchema>;

export type RunKind = (typeof RUN_KINDS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export type RunStepStatus = (typeof RUN_STEP_STATUSES)[number];
export type AccessCheck = z.infer<typeof accessCheckResponse>;
export type CheckStatus = AccessCheck["status"];
export type RunReport = z.infer<typeof runReportResponse>;
export type RunStep = z.infer<typeof runStepResponse>;
export type LogLine = z.infer<typeof logLineResponse>;
export type Run = z.infer<typeof runResponse>;
/** GET /onboarding/:id/watch: the session, its runs and the log run's new lines. */
export type Watch = z.infer<typeof watchResponse>;
/** One attempt of one step (run detail only): the timeline. */
export type RunAttempt = z.infer<typeof runAttemptResponse>;
export type RunStarted = z.infer<typeof runStartedResponseSchema>;
export type CancelledSession = z.infer<typeof cancelledSessionResponse>;

export type AuditEntry = z.infer<typeof auditEntryResponse>;

export type ApiToken = z.infer<typeof tokenResponse>;
export type ApiTokenCreated = z.infer<typeof tokenCreatedResponse>;
export type WebhookEndpoint = z.infer<typeof webhookResponse>;
export type WebhookCreated = z.infer<typeof webhookCreatedResponse>;
export type WebhookDelivery = z.infer<typeof deliveryResponse>;
export type Connection = z.infer<typeof connectionResponse>;
export type Member = z.infer<typeof memberResponse>;

export type InvitationState = (typeof INVITATION_STATES)[number];
export type Invitation = z.infer<typeof invitationResponse>;
export type InvitationCreated = z.infer<typeof invitationCreatedResponse>;
export type InvitationLookup = z.infer<typeof invitationLookupResponse>;
export type InvitationAccepted = z.infer<typeof invitationAcceptedResponse>;

export type PlatformStatus = (typeof PLATFORM_STATUSES)[number];
export type Platform = z.infer<typeof platformResponse>;

/** One row of an onboarding's resource ledger (GET /onboarding/:id/resources). */
export type Resource = z.infer<typeof resourceResponse>;
export type ResourceProvider = Resource["provider"];
/** POST /onboarding/:id/deprovision {"dryRun": true}: what a deprovision run would do now. */
export type DeprovisionPlan = z.infer<typeof deprovisionPlanResponse>;

/** Who can fix a warn/fail check, what exactly, and where (the verification assist). */
export type CheckAssist = z.infer<typeof checkAssistResponse>;
export type FixOwner = (typeof FIX_OWNERS)[number];

/** One entry of the notification centre (a run the caller started ended). */
export type AppNotification = z.infer<typeof notificationResponse>;
export type NotificationPage = z.infer<typeof notificationListResponse>;

/** One row of the Operations page (GET /operation-runs) and its filters. */
export type OperationRunItem = z.infer<typeof operationRunListItem>;
export type OperationRunFilters = Pick<z.input<typeof listOperationRunsQuery>, "kind" | "status" | "outcome">;

/** GET /insights?days=: one workspace over the last 7, 30 or 90 days (lib/insights). */
export type Insights = z.infer<typeof insightsResponse>;
export type InsightsWindow = Insights["days"];
export type InsightsDuration = Insights["stepDurations"][number];
