// Operation runs: one run's steps and log, and stopping it.
import { z } from "zod";
import { defineRoute, idParams, IF_MATCH } from "@/lib/api/define-route";
import { versionedActionSchema } from "@/lib/onboarding/schemas";
import { runCancelledResponse, runResponse } from "@/lib/runs/run-schemas";
import { listOperationRunsQuery, operationRunListResponse } from "@/lib/operations/schemas";

const tag = "Operation runs";

export const listOperationRuns = defineRoute({
  method: "GET",
  path: "/api/v1/operation-runs",
  tag,
  summary: "Every run of the workspace, newest first (the Operations page); filters by kind, status, outcome, session",
  access: { capability: "view", scope: "workspace" },
  query: listOperationRunsQuery,
  responses: { 200: operationRunListResponse },
  errors: [422],
});

export const getRun = defineRoute({
  method: "GET",
  path: "/api/v1/operation-runs/{id}",
  tag,
  summary: "An operation run with its steps and log (?logAfter=<line id> for new lines only)",
  access: { capability: "view", scope: "record", record: "operationRun" },
  params: idParams,
  query: z.strictObject({
    logAfter: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional(),
  }),
  responses: { 200: runResponse },
  errors: [422],
});

export const cancelRun = defineRoute({
  method: "POST",
  path: "/api/v1/operation-runs/{id}/cancel",
  tag,
  summary: "Cancel one run (the onboarding stays open)",
  access: { capability: "view", scope: "record", record: "operationRun" },
  sessionAction: "cancelRun",
  params: idParams,
  body: versionedActionSchema,
  optionalBody: true,
  headers: [IF_MATCH],
  responses: { 202: runCancelledResponse },
  errors: [409, 412, 422, 428],
});
