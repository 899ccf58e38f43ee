// Response schemas of operation runs (GET /operation-runs/:id, GET /onboarding/:id/runs, the
// action endpoints' run-started answer). They document the API and type the browser's client.
import { z } from "zod";
import { sessionResponse } from "@/lib/onboarding/schemas";
import { runHealthResponse } from "./health-schema";

const iso = z.iso.datetime();

export const RUN_KINDS = ["verify_access", "bootstrap", "deprovision", "recheck_access"] as const;
export const RUN_STATUSES = ["queued", "running", "completed"] as const;
export const RUN_OUTCOMES = ["succeeded", "failed", "cancelled", "blocked"] as const;
export const RUN_STEP_STATUSES = ["pending", "running", "succeeded", "failed", "cancelled", "skipped"] as const;

export const FIX_OWNERS = ["operator", "workspace_admin", "provider_admin"] as const;

export const checkAssistResponse = z
  .object({
    owner: z.enum(FIX_OWNERS),
    ownerLabel: z
      .string()
      .meta({ description: 'Who can fix it, in the provider\'s words ("An owner of the acme organization")' }),
    permission: z.string().meta({ description: "The exact permission or setting to change" }),
    href: z.string().meta({ description: "The page where it is changed (absolute, or an Onramp path)" }),
    linkLabel: z.string(),
  })
  .meta({ id: "CheckAssist", description: "Verification assist of a warn/fail check: who fixes it, what, and where" });

export const accessCheckResponse = z
  .object({
    key: z.string().meta({ description: 'Stable key, e.g. "token_valid"' }),
    label: z.string(),
    status: z.enum(["pass", "warn", "fail"]),
    reasonCode: z.string().optional().meta({ description: "Stable machine code for warn/fail" }),
    message: z.string(),
    remediation: z.string().optional().meta({ description: "How to fix a warn/fail" }),
    assist: checkAssistResponse.optional(),
  })
  .meta({ id: "AccessCheck" });

export const runReportResponse = z
  .object({
    checks: z.array(accessCheckResponse).optional().meta({ description: "Verify Access runs: every check" }),
    target: z
      .object({ verifyRunId: z.string(), checkKey: z.string() })
      .optional()
      .meta({ description: "Re-check runs: the verification and the check they re-run" }),
    fingerprint: z
      .string()
      .optional()
      .meta({ description: "What was verified; a change to it makes the verification stale" }),
    checkedAt: iso.optional(),
    recheckedAt: iso.optional().meta({ description: "When a Re-check last updated a line of this report" }),
  })
  .meta({
    id: "RunReport",
    description:
      "Verify Access runs: the checks as they stood when the run finished (a Re-check updates one line in place); Re-check runs: their target",
  });

export const runStepResponse = z
  .object({
    key: z.string(),
    label: z.string(),
    status: z.enum(RUN_STEP_STATUSES),
    attempts: z.int(),
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    durationMs: z.int().nullable(),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "What the step produced (null for a failed step)" }),
    error: z
      .object({ code: z.string(), message: z.string().nullable(), remediation: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: "RunStep" });

export const logLineResponse = z
  .object({
    id: z.string().meta({ description: "Increasing; pass the last one as ?logAfter= for new lines" }),
    stepKey: z.string().nullable(),
    level: z.string().meta({ description: "info, warn or error" }),
    message: z.string(),
    at: iso,
  })
  .meta({ id: "RunLogLine" });

export const ATTEMPT_OUTCOMES = ["succeeded", "failed", "retrying", "cancelled", "lost"] as const;

export const runAttemptResponse = z
  .object({
    stepKey: z.string(),
    attempt: z.int().meta({ description: "1-based attempt of this step within the run" }),
    leaseGeneration: z
      .int()
      .meta({ description: "The lease (fencing token) the attempt ran under: a new one after each takeover" }),
    workerId: z.string().nullable(),
    startedAt: iso,
    finishedAt: iso.nullable(),
    outcome: z
      .enum(ATTEMPT_OUTCOMES)
      .nullable()
      .meta({ description: "lost: the worker stopped renewing its lease and another took over" }),
    errorCode: z.string().nullable(),
    backoffMs: z.int().nullable().meta({ description: "Wait before the next attempt (outcome retrying)" }),
  })
  .meta({ id: "RunAttempt" });

export const runResponse = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    workspaceId: z.string(),
    kind: z.enum(RUN_KINDS),
    status: z.enum(RUN_STATUSES),
    outcome: z.enum(RUN_OUTCOMES).nullable(),
    reasonCode: z.string().nullable(),
    attempt: z.int(),
    report: runReportResponse.nullable(),
    initiatorId: z.string().nullable(),
    cancelRequestedAt: iso.nullable(),
    createdAt: iso,
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    updatedAt: iso,
    heartbeatAt: iso.nullable().meta({ description: "Last renewal of the executing worker's lease" }),
    leaseGeneration: z.int(),
    health: runHealthResponse.nullable(),
    steps: z.array(runStepResponse).optional(),
    attempts: z
      .array(runAttemptResponse)
      .optional()
      .meta({ description: "GET /operation-runs/:id only: every attempt of every step (the timeline)" }),
    log: z
      .array(logLineResponse)
      .optional()
      .meta({ description: "GET /operation-runs/:id only: up to 500 lines after ?logAfter=" }),
  })
  .meta({ id: "OperationRun" });

export const runListResponse = z.object({ items: z.array(runResponse) }).meta({ id: "OperationRunList" });

export const runStartedResponseSchema = z
  .object({
    run: runResponse,
    session: sessionResponse,
    deduplicated: z
      .boolean()
      .meta({ description: "A run of this kind was already active: this is that run (HTTP 200), nothing new started" }),
  })
  .meta({ id: "RunStarted" });

export const runCancelledResponse = z.object({ session: sessionResponse }).meta({ id: "RunCancelled" });
