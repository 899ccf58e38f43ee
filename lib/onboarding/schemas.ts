// Request and response schemas of the onboarding API. The same zod schemas validate requests
// and generate /api/v1/openapi.json.
import { runHealthResponse } from "@/lib/runs/health-schema";
import { z } from "zod";
import { SESSION_ACTIONS, type SessionAction } from "./actions";
import {
  LIFECYCLE_STATES,
  PIPELINE_STEP_KEYS,
  SEED_STEP_STATUSES,
  SESSION_STATUSES,
  SLUG_HINT,
  SLUG_PATTERN,
  TIERS,
  CHECKPOINTS,
} from "./constants";
import { jsonDepth } from "@/lib/api/inspect-input";

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id");
const text = (max: number) => z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, SLUG_HINT)
  .meta({ description: SLUG_HINT, example: "acme-cloud" });

export const simulationSchema = z
  .strictObject({
    failStep: z.enum(PIPELINE_STEP_KEYS).optional().meta({ description: "Step that fails (simulated provider only)" }),
    failTimes: z
      .int()
      .min(0)
      .max(100)
      .default(1)
      .meta({ description: "How many attempts of failStep fail; 0 = every attempt" }),
    stepDelayMs: z.int().min(0).max(60_000).optional().meta({ description: "Duration of each simulated step" }),
    failCheck: z.string().max(64).optional().meta({ description: "Verify Access check key that fails" }),
    retryAfterMs: z.int().min(1).max(60_000).optional().meta({
      description:
        "Makes failStep's failure transient, like a provider's rate limit with this Retry-After: the step is retried after it",
    }),
  })
  .meta({
    id: "Simulation",
    description: "Failure injection for the simulated provider. Refused when a real provider is configured.",
  });

/** Wizard answers that are not columns; a bounded, flat object of simple values. */
export const draftSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "Draft keys are identifiers"),
    z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]),
  )
  .refine((d) => Object.keys(d).length <= 50, "At most 50 draft fields")
  .meta({ id: "Draft" });

export const createOnboardingSchema = z
  .strictObject({
    platformName: text(120).meta({ description: "Human-readable platform name", example: "Acme Cloud" }),
    slug: slugSchema,
    stackTemplateId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._/-]+$/, "Letters, digits and . _ / - only")
      .nullish(),
    tier: z.enum(TIERS),
    userId: id.optional().meta({ description: "User initiating onboarding; must be the caller when given" }),
    connectionId: id
      .nullish()
      .meta({ description: "Repository connection (simulated | github); omitted or null = simulated" }),
    infraConnectionId: id
      .nullish()
      .meta({ description: "Infrastructure connection (simulated | cloudflare); omitted or null = simulated" }),
    autoStart: z.boolean().optional().meta({ description: "Start Verify Access right away" }),
    simulation: simulationSchema.optional(),
  })
  .meta({ id: "CreateOnboarding" });
export type CreateOnboardingInput = z.infer<typeof createOnboardingSchema>;

const RESULT_MAX_DEPTH = 32;
const RESULT_MAX_BYTES = 16 * 1024;

/** An executor's free-form step result: stored as JSON and shown back, so bounded in depth and size. */
const stepResultSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    if (jsonDepth(value, RESULT_MAX_DEPTH) > RESULT_MAX_DEPTH) {
      ctx.addIssue({ code: "custom", message: `Nested deeper than ${RESULT_MAX_DEPTH} levels` });
    } else if (new TextEncoder().encode(JSON.stringify(value)).length > RESULT_MAX_BYTES) {
      ctx.addIssue({ code: "custom", message: `At most ${RESULT_MAX_BYTES / 1024} KiB of JSON` });
    }
  })
  .meta({ description: `Any JSON, at most ${RESULT_MAX_DEPTH} levels deep and ${RESULT_MAX_BYTES / 1024} KiB` });

export const seedStepSchema = z.strictObject({
  key: z.enum(PIPELINE_STEP_KEYS),
  status: z.enum(SEED_STEP_STATUSES),
  label: z.string().max(120).optional(),
  result: stepResultSchema.optional(),
});

export const patchOnboardingSchema = z
  .strictObject({
    version: z.int().min(1).optional().meta({ description: "The version this change is based on (or send If-Match)" }),
    platformName: text(120).optional(),
    slug: slugSchema.optional(),
    tier: z.enum(TIERS).optional(),
    stackTemplateId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._/-]+$/)
      .nullable()
      .optional(),
    connectionId: id
      .nullable()
      .optional()
      .meta({ description: "Choose the repository connection (null = simulated); completes Connect" }),
    infraConnectionId: id
      .nullable()
      .optional()
      .meta({ description: "Choose the infrastructure connection (null = simulated); completes Connect" }),
    draft: draftSchema.optional(),
    steps: z.array(seedStepSchema).min(1).max(5).optional().meta({ description: "Executor progress report" }),
    status: z.enum(SESSION_STATUSES).optional().meta({ description: "Executor status report" }),
    provisionJobId: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== "version"), { message: "Nothing to change", path: [] })
  .meta({ id: "PatchOnboarding" });
export type PatchOnboardingInput = z.infer<typeof patchOnboardingSchema>;

export const listOnboardingQuery = z.strictObject({
  status: z.enum(SESSION_STATUSES).optional(),
  health: z
    .enum(["healthy", "retrying", "stalled"])
    .optional()
    .meta({ description: "Only onboardings whose active run has this health" }),
  lifecycle: z.enum(LIFECYCLE_STATES).optional(),
  /** Onboardings with a run that ended with this reason code (the Insights page links here). */
  reasonCode: z
    .string()
    .max(100)
    .regex(/^[a-z0-9_:.-]+$/, "A reason code such as step_failed:setup_repo")
    .optional(),
  q: z.string().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  workspace: z.string().max(100).optional(),
});

export const versionedActionSchema = z
  .strictObject({
    version: z.int().min(1).optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .meta({ id: "VersionedAction" });

export const activateSchema = z
  .strictObject({
    version: z.int().min(1).optional(),
    override: z
      .boolean()
      .optional()
      .meta({ description: "Activate although checks are not all green (needs the override capability)" }),
    reason: z.string().trim().min(10, "Explain the override in at least 10 characters").max(2000).optional(),
  })
  .refine((b) => !b.override || !!b.reason, { message: "An override needs a written reason", path: ["reason"] })
  .meta({ id: "Activate" });

export const seedStepResponse = z.object({
  key: z.enum(PIPELINE_STEP_KEYS),
  status: z.enum(SEED_STEP_STATUSES),
  label: z.string(),
  result: z.unknown().optional(),
});

export const createdResponse = z
  .object({
    onboardingId: z.string(),
    jobId: z.string().nullable(),
    status: z.enum(SESSION_STATUSES),
    steps: z.array(seedStepResponse),
    version: z.int(),
  })
  .meta({ id: "OnboardingCreated" });

const actionDecision = z
  .object({
    allowed: z.boolean(),
    reasonCode: z
      .string()
      .optional()
      .meta({ description: "Why not, as a stable code (e.g. role_forbidden, not_ready_for_bootstrap)" }),
    message: z.string().optional().meta({ description: "Why not, in an operator's words" }),
  })
  .meta({ id: "ActionDecision" });

export const sessionActionsResponse = z
  .object(
    Object.fromEntries(SESSION_ACTIONS.map((a) => [a, actionDecision])) as Record<SessionAction, typeof actionDecision>,
  )
  .meta({
    id: "OnboardingActions",
    description:
      "What this caller may do next, decided by the same rules the server enforces (lib/onboarding/actions.ts). " +
      "saveDraft: PATCH name/slug/tier/template; connect: PATCH connectionId / infraConnectionId; verifyAccess, bootstrap, resume, cancel, deprovision: " +
      "the POST of that name (a POST while a run of that kind is active returns it, 200); cancelRun: POST /operation-runs/:id/cancel " +
      "for the active run; activate / overrideActivate: POST activate without / with override.",
  });

const sessionFields = z.object({
  id: z.string(),
  onboardingId: z.string(),
  workspaceId: z.string(),
  platformName: z.string(),
  slug: z.string(),
  tier: z.enum(TIERS),
  stackTemplateId: z.string().nullable(),
  userId: z.string(),
  connectionId: z.string().nullable(),
  infraConnectionId: z.string().nullable(),
  draft: z.record(z.string(), z.unknown()),
  status: z.enum(SESSION_STATUSES),
  steps: z.array(seedStepResponse),
  provisionJobId: z.string().nullable(),
  platformId: z.string().nullable(),
  lifecycleState: z.enum(LIFECYCLE_STATES),
  currentCheckpoint: z.enum(CHECKPOINTS),
  lastCompletedCheckpoint: z.enum(CHECKPOINTS).nullable(),
  reasonCode: z.string().nullable(),
  blockingReasonCode: z.string().nullable(),
  simulation: z.unknown().nullable(),
  version: z.int(),
  updatedById: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  activatedAt: z.iso.datetime().nullable(),
  activationOverrideReason: z
    .string()
    .nullable()
    .meta({ description: "Set when the onboarding was activated with an override: the operator's written reason" }),
  health: runHealthResponse.nullable(),
});

/** A session in a list: no `actions` (they would cost the runs of every row). */
export const sessionSummaryResponse = sessionFields.meta({ id: "OnboardingSessionSummary" });

export const sessionResponse = sessionFields
  .extend({ actions: sessionActionsResponse })
  .meta({ id: "OnboardingSession" });

export const onboardingPageResponse = z
  .object({ items: z.array(sessionSummaryResponse), nextCursor: z.string().nullable() })
  .meta({ id: "OnboardingSessionPage" });

export const cancelledSessionResponse = sessionResponse
  .extend({
    deprovisionAvailable: z
      .boolean()
      .meta({ description: "The onboarding created a platform: POST deprovision removes what it made" }),
  })
  .meta({ id: "OnboardingCancelled" });

export const slugAvailabilityQuery = z.strictObject({
  slug: z.string().max(200),
  workspace: z.string().max(100).optional(),
  excludeId: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "An onboarding whose own slug does not count as taken (renaming it)" }),
});

export const slugAvailabilityResponse = z
  .object({ slug: z.string(), valid: z.boolean(), available: z.boolean(), message: z.string() })
  .meta({ id: "SlugAvailability" });

export const auditQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditEntryResponse = z
  .object({
    id: z.string(),
    action: z.string().meta({ example: "onboarding.updated" }),
    actor: z.object({ userId: z.string().nullable(), tokenId: z.string().nullable(), label: z.string() }),
    targetType: z.string(),
    targetId: z.string(),
    fromVersion: z.int().nullable(),
    toVersion: z.int().nullable(),
    reason: z.string().nullable(),
    data: z
      .object({ changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional() })
      .catchall(z.unknown())
      .meta({ description: "`changes`: field → { from, to }; other keys depend on the action" }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "AuditEntry" });

export const auditPageResponse = z
  .object({ items: z.array(auditEntryResponse), nextCursor: z.string().nullable() })
  .meta({ id: "AuditPage" });

/** PUT /onboarding/:id/simulation: change or remove the simulated provider's failure injection. */
export const updateSimulationSchema = z
  .strictObject({
    version: z.int().min(1).optional(),
    simulation: simulationSchema.nullable().meta({ description: "The new failure injection; null removes it" }),
  })
  .meta({ id: "UpdateSimulation" });
