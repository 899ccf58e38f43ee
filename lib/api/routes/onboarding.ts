// Onboarding routes: the session, its draft and its actions. The session's `actions` say which
// action is allowed now and why not (lib/onboarding/actions.ts decides, for the caller's role).
import { z } from "zod";
import { defineRoute, idParams, IF_MATCH } from "@/lib/api/define-route";
import {
  activateSchema,
  auditPageResponse,
  auditQuery,
  cancelledSessionResponse,
  createdResponse,
  createOnboardingSchema,
  listOnboardingQuery,
  onboardingPageResponse,
  patchOnboardingSchema,
  sessionResponse,
  slugAvailabilityQuery,
  slugAvailabilityResponse,
  updateSimulationSchema,
  versionedActionSchema,
} from "@/lib/onboarding/schemas";
import { recheckSchema } from "@/lib/verification/schemas";
import { deprovisionActionSchema, deprovisionPlanResponse, resourcesResponse } from "@/lib/resources/schemas";
import { runListResponse, runStartedResponseSchema } from "@/lib/runs/run-schemas";
import { watchQuery, watchResponse } from "@/lib/onboarding/watch-schemas";

const tag = "Onboarding";
const onSession = (capability: "view" | "audit" = "view") =>
  ({ capability, scope: "record", record: "onboarding" }) as const;
const VERSION_ERRORS = [409, 412, 422, 428];

export const listOnboardings = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding",
  tag,
  summary: "List onboardings (filters, cursor pagination, newest first; items carry no `actions`)",
  access: { capability: "view", scope: "workspace" },
  query: listOnboardingQuery,
  responses: { 200: onboardingPageResponse },
  errors: [422],
});

export const createOnboarding = defineRoute({
  method: "POST",
  path: "/api/v1/onboarding",
  tag,
  summary: "Create an onboarding",
  description:
    "202 with the seed response and version; a repeated Idempotency-Key with the same body answers the first response again (`Idempotent-Replayed: true`).",
  access: { capability: "manage_drafts", scope: "workspace" },
  body: createOnboardingSchema,
  headers: [
    {
      name: "Idempotency-Key",
      description: "1–255 visible ASCII characters; the same key and body answer the same onboarding",
      maxLength: 255,
    },
  ],
  responses: { 200: createdResponse, 202: createdResponse },
  errors: [400, 409, 413, 415, 422, 429],
});

export const getOnboarding = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/{id}",
  tag,
  summary: "Fetch an onboarding with the caller's `actions` (ETag per version and role; If-None-Match → 304)",
  access: onSession(),
  params: idParams,
  headers: [
    { name: "If-None-Match", description: "The ETag of a previous GET: 304 while nothing (version, role) changed" },
  ],
  responses: { 200: sessionResponse, 304: null },
});

export const watchOnboarding = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/{id}/watch",
  tag,
  summary:
    "What a wizard tab shows while a checkpoint is active: the session, its runs with steps, new log lines (If-None-Match → 304)",
  description:
    "One conditional request per poll tick. The ETag changes when the session's version, a run's state or health, an active run's steps or the log run's newest line changes (and differs by role); send it as If-None-Match for a 304 while nothing did. Pass `log.cursor` of the previous answer as ?logAfter= for new log lines only.",
  access: { capability: "view", scope: "record", record: "onboardingWatch" },
  params: idParams,
  query: watchQuery,
  headers: [
    { name: "If-None-Match", description: "The ETag of the previous watch answer: 304 while nothing it shows changed" },
  ],
  responses: { 200: watchResponse, 304: null },
  errors: [422],
});

export const updateOnboarding = defineRoute({
  method: "PATCH",
  path: "/api/v1/onboarding/{id}",
  tag,
  summary: "Update draft fields, or report executor progress",
  description:
    "Allowed when `actions.saveDraft` (name, slug, tier, template) or `actions.connect` (connections) is; executors report `steps`/`status` with their provisionJobId.",
  access: onSession(),
  sessionAction: "saveDraft",
  params: idParams,
  body: patchOnboardingSchema,
  headers: [IF_MATCH],
  responses: { 200: sessionResponse },
  errors: [400, ...VERSION_ERRORS],
});

function runAction(
  name: "verify-access" | "bootstrap" | "resume",
  sessionAction: "verifyAccess" | "bootstrap" | "resume",
  summary: string,
) {
  return defineRoute({
    method: "POST",
    path: `/api/v1/onboarding/{id}/${name}`,
    tag,
    summary,
    description: `POST /api/v1/onboarding/:id/${name}. 202 with the started run and the session; 200 with the active run when one of this kind is already running (deduplicated).`,
    access: onSession(),
    sessionAction,
    params: idParams,
    body: versionedActionSchema,
    optionalBody: true,
    headers: [IF_MATCH],
    responses: { 200: runStartedResponseSchema, 202: runStartedResponseSchema },
    errors: VERSION_ERRORS,
  });
}

export const startVerifyAccess = runAction("verify-access", "verifyAccess", "Start Verify Access");
export const startBootstrap = runAction("bootstrap", "bootstrap", "Start the bootstrap pipeline");
export const resumeBootstrap = runAction("resume", "resume", "Resume a failed bootstrap at its first unfinished step");

export const recheckAccess = defineRoute({
  method: "POST",
  path: "/api/v1/onboarding/{id}/verify-access/recheck",
  tag,
  summary: "Re-run one check of the latest verification (the verification assist's Re-check)",
  description:
    "A short `recheck_access` run, audited. When it succeeds, that check's line in the latest verification's report is replaced (the others stay) and the lifecycle follows: all checks passing makes the onboarding ready for bootstrap. 202 with the started run; 200 with the active re-check.",
  access: onSession(),
  sessionAction: "recheckAccess",
  params: idParams,
  body: recheckSchema,
  headers: [IF_MATCH],
  responses: { 200: runStartedResponseSchema, 202: runStartedResponseSchema },
  errors: VERSION_ERRORS,
});

export const updateSimulation = defineRoute({
  method: "PUT",
  path: "/api/v1/onboarding/{id}/simulation",
  tag,
  summary: "Change or remove (null) the simulated provider's failure injection",
  description:
    "Only while both sides of the onboarding use the simulated provider and its draft may be edited; versioned and audited.",
  access: onSession(),
  sessionAction: "saveDraft",
  params: idParams,
  body: updateSimulationSchema,
  headers: [IF_MATCH],
  responses: { 200: sessionResponse },
  errors: VERSION_ERRORS,
});

export const cancelOnboarding = defineRoute({
  method: "POST",
  path: "/api/v1/onboarding/{id}/cancel",
  tag,
  summary: "Cancel the onboarding and its active runs",
  access: onSession(),
  sessionAction: "cancel",
  params: idParams,
  body: versionedActionSchema,
  optionalBody: true,
  headers: [IF_MATCH],
  responses: { 200: cancelledSessionResponse },
  errors: VERSION_ERRORS,
});

export const deprovisionOnboarding = defineRoute({
  method: "POST",
  path: "/api/v1/onboarding/{id}/deprovision",
  tag,
  summary: "Remove what a cancelled onboarding created (from its resource ledger); dryRun answers the plan",
  description:
    'POST /api/v1/onboarding/:id/deprovision. With {"dryRun": true}: 200 with the plan (DeprovisionPlan) — what will be deleted in which order, what is kept because it pre-existed — and nothing changes; no version needed. Otherwise 202 with the started run (version-checked, like the other actions), or 200 with the active one.',
  access: onSession(),
  sessionAction: "deprovision",
  params: idParams,
  body: deprovisionActionSchema,
  optionalBody: true,
  headers: [IF_MATCH],
  responses: { 200: z.union([deprovisionPlanResponse, runStartedResponseSchema]), 202: runStartedResponseSchema },
  errors: VERSION_ERRORS,
});

export const activateOnboarding = defineRoute({
  method: "POST",
  path: "/api/v1/onboarding/{id}/activate",
  tag,
  summary: "Activate (override needs a reason and the override capability)",
  access: onSession(),
  sessionAction: "activate",
  params: idParams,
  body: activateSchema,
  optionalBody: true,
  headers: [IF_MATCH],
  responses: { 200: sessionResponse },
  errors: VERSION_ERRORS,
});

export const listOnboardingResources = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/{id}/resources",
  tag,
  summary: "The resource ledger: what the onboarding created or adopted, with console links",
  access: onSession(),
  params: idParams,
  responses: { 200: resourcesResponse },
});

export const listOnboardingRuns = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/{id}/runs",
  tag,
  summary: "The onboarding's operation runs, newest first, with steps (at most 50)",
  access: onSession(),
  params: idParams,
  responses: { 200: runListResponse },
});

export const listOnboardingAudit = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/{id}/audit",
  tag,
  summary: "The onboarding's audit trail: who did what, when, version from → to",
  access: onSession("audit"),
  params: idParams,
  query: auditQuery,
  responses: { 200: auditPageResponse },
  errors: [422],
});

export const checkSlugAvailability = defineRoute({
  method: "GET",
  path: "/api/v1/onboarding/slug-availability",
  tag,
  summary: "Is a slug valid and free in the workspace?",
  access: { capability: "view", scope: "workspace" },
  query: slugAvailabilityQuery,
  responses: { 200: slugAvailabilityResponse },
  errors: [422],
});
