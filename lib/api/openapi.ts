// Builds the OpenAPI 3 document from the same zod schemas the handlers validate with.
import { z, type ZodType } from "zod";
import {
  activateSchema,
  createdResponse,
  createOnboardingSchema,
  patchOnboardingSchema,
  sessionResponse,
  sessionSummaryResponse,
  versionedActionSchema,
} from "@/lib/onboarding/schemas";
import {
  connectionResponse,
  createConnectionSchema,
  createTokenSchema,
  createWebhookSchema,
  deliveryResponse,
  memberResponse,
  platformResponse,
  tokenCreatedResponse,
  tokenResponse,
  updateConnectionSchema,
  updateMemberSchema,
  updateWebhookSchema,
  webhookCreatedResponse,
  webhookResponse,
} from "@/lib/settings/schemas";
import {
  acceptInvitationSchema,
  createInvitationSchema,
  invitationAcceptedResponse,
  invitationCreatedResponse,
  invitationLookupResponse,
  invitationResponse,
} from "@/lib/invitations/schemas";
import { deprovisionActionSchema, deprovisionPlanResponse, resourcesResponse } from "@/lib/resources/schemas";
import { markReadResponse, markReadSchema, notificationListResponse } from "@/lib/notifications/schemas";
import { operationRunListResponse } from "@/lib/operations/schemas";
import { recheckSchema } from "@/lib/verification/schemas";
import { updateSimulationSchema } from "@/lib/onboarding/update-simulation";

type Json = Record<string, unknown>;

const components: Record<string, Json> = {};

function schemaRef(schema: ZodType, io: "input" | "output"): Json {
  const json = z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Json & { definitions?: Record<string, Json> };
  const rewrite = (value: Json): Json => JSON.parse(JSON.stringify(value).replaceAll("#/definitions/", "#/components/schemas/"));
  for (const [name, def] of Object.entries(json.definitions ?? {})) components[name] = rewrite(def);
  const { definitions: _drop, ...rest } = json;
  void _drop;
  return rewrite(rest);
}

const problem = { $ref: "#/components/schemas/Problem" };
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: "Problem", content: { "application/problem+json": { schema: problem } } }]));

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const ifMatch = { name: "If-Match", in: "header", required: false, schema: { type: "string" }, description: 'ETag of the version the change is based on, as a GET returned it ("3-owner": version 3 as an owner sees it) or just "3" (or send `version` in the body)' };

function op(summary: string, opts: { body?: ZodType; response?: ZodType; status?: number; params?: Json[]; errors?: number[]; description?: string }): Json {
  return {
    summary,
    ...(opts.description ? { description: opts.description } : {}),
    parameters: opts.params ?? [],
    ...(opts.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaRef(opts.body, "input") } } } } : {}),
    responses: {
      [String(opts.status ?? 200)]: {
        description: "OK",
        ...(opts.response ? { content: { "application/json": { schema: schemaRef(opts.response, "output") } } } : {}),
      },
      ...errors(401, 403, 404, ...(opts.errors ?? [])),
    },
  };
}

export function buildOpenApi(): Json {
  const action = (name: string, what: string) =>
    op(what, { body: versionedActionSchema, params: [idParam, ifMatch], status: 202, errors: [409, 412, 422, 428], description: `POST /api/v1/onboarding/:id/${name}` });
  const paths: Json = {
    "/api/v1/onboarding": {
      get: op("List onboardings (filters, cursor pagination, newest first; items carry no `actions`)", {
        response: z.object({ items: z.array(sessionSummaryResponse), nextCursor: z.string().nullable() }),
        params: ["status", "lifecycle", "q", "cursor", "limit"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
      }),
      post: op("Create an onboarding", {
        body: createOnboardingSchema,
        response: createdResponse,
        status: 202,
        errors: [400, 409, 413, 415, 422, 429],
        params: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } }],
      }),
    },
    "/api/v1/onboarding/{id}": {
      get: op("Fetch an onboarding with the caller's `actions` (ETag per version and role; If-None-Match → 304)", { response: sessionResponse, params: [idParam] }),
      patch: op("Update draft fields, or report executor progress", {
        body: patchOnboardingSchema,
        response: sessionResponse,
        params: [idParam, ifMatch],
        errors: [400, 409, 412, 422, 428],
      }),
    },
    "/api/v1/onboarding/{id}/verify-access": { post: action("verify-access", "Start Verify Access") },
    "/api/v1/onboarding/{id}/verify-access/recheck": {
      post: op("Re-check one check of the latest Verify Access report (a short recheck_access run; the report is updated in place)", {
        body: recheckSchema,
        params: [idParam, ifMatch],
        status: 202,
        errors: [409, 412, 422, 428],
      }),
    },
    "/api/v1/onboarding/{id}/simulation": {
      put: op("Change or remove the simulated provider's failure injection (simulated connections only)", {
        body: updateSimulationSchema,
        response: sessionResponse,
        params: [idParam, ifMatch],
        errors: [409, 412, 422, 428],
      }),
    },
    "/api/v1/onboarding/{id}/bootstrap": { post: action("bootstrap", "Start the bootstrap pipeline") },
    "/api/v1/onboarding/{id}/resume": { post: action("resume", "Resume a failed bootstrap at its first unfinished step") },
    "/api/v1/onboarding/{id}/cancel": { post: action("cancel", "Cancel the onboarding and its active runs") },
    "/api/v1/onboarding/{id}/deprovision": {
      post: op("Remove what a cancelled onboarding created (from its resource ledger); dryRun answers the plan", {
        body: deprovisionActionSchema,
        response: deprovisionPlanResponse,
        params: [idParam, ifMatch],
        status: 202,
        errors: [409, 412, 422, 428],
        description:
          'POST /api/v1/onboarding/:id/deprovision. With {"dryRun": true}: 200 with the plan (DeprovisionPlan) — what will be deleted in which order, what is kept because it pre-existed — and nothing changes; no version needed. Otherwise 202 with the started run (version-checked, like the other actions).',
      }),
    },
    "/api/v1/onboarding/{id}/resources": {
      get: op("The resource ledger: what the onboarding created or adopted, with console links", { response: resourcesResponse, params: [idParam] }),
    },
    "/api/v1/onboarding/{id}/activate": {
      post: op("Activate (override needs a reason and the override capability)", {
        body: activateSchema,
        response: sessionResponse,
        params: [idParam, ifMatch],
        errors: [409, 412, 422, 428],
      }),
    },
    "/api/v1/onboarding/{id}/runs": { get: op("The onboarding's operation runs", { params: [idParam] }) },
    "/api/v1/onboarding/{id}/audit": { get: op("The onboarding's audit trail", { params: [idParam] }) },
    "/api/v1/onboarding/slug-availability": { get: op("Is a slug valid and free?", { params: [{ name: "slug", in: "query", required: true, schema: { type: "string" } }] }) },
    "/api/v1/operation-runs": {
      get: op("Every run of the workspace, newest first (Operations page)", {
        response: operationRunListResponse,
        params: ["kind", "status", "outcome", "sessionId", "cursor", "limit"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
        errors: [422],
      }),
    },
    "/api/v1/notifications": {
      get: op("The caller's notifications (a run they started ended), newest first, with the unread count", {
        response: notificationListResponse,
        params: ["unread", "cursor", "limit"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
        errors: [422],
      }),
    },
    "/api/v1/notifications/read": { post: op("Mark notifications read: `ids`, or `all: true`", { body: markReadSchema, response: markReadResponse, errors: [422] }) },
    "/api/v1/operation-runs/{id}": { get: op("An operation run with its steps and log (?logAfter=)", { params: [idParam] }) },
    "/api/v1/operation-runs/{id}/cancel": { post: op("Cancel one run", { body: versionedActionSchema, params: [idParam, ifMatch], status: 202, errors: [409, 412, 428] }) },
    "/api/v1/me": { get: op("The caller, workspace, role and capabilities", {}) },
    "/api/v1/insights": {
      get: op("Insights over 7, 30 or 90 days: funnel by furthest checkpoint, median/p90 per step and checkpoint, top failure reason codes, runs per day", {
        params: [{ name: "days", in: "query", required: false, schema: { type: "string", enum: ["7", "30", "90"] } }],
      }),
    },
    "/api/v1/tokens": {
      get: op("API tokens of the workspace (never the token itself)", { response: z.object({ items: z.array(tokenResponse) }) }),
      post: op("Create an API token; the token is in this response only", { body: createTokenSchema, response: tokenCreatedResponse, status: 201, errors: [422] }),
    },
    "/api/v1/tokens/{id}": { delete: op("Revoke a token", { params: [idParam], status: 204 }) },
    "/api/v1/webhooks": {
      get: op("Webhook endpoints", { response: z.object({ items: z.array(webhookResponse) }) }),
      post: op("Create a webhook endpoint; the signing secret is in this response only", { body: createWebhookSchema, response: webhookCreatedResponse, status: 201, errors: [422] }),
    },
    "/api/v1/webhooks/{id}": {
      patch: op("Update a webhook endpoint", { body: updateWebhookSchema, response: webhookResponse, params: [idParam], errors: [422] }),
      delete: op("Delete a webhook endpoint", { params: [idParam], status: 204 }),
    },
    "/api/v1/webhooks/{id}/deliveries": { get: op("Delivery log, newest first", { params: [idParam], response: z.object({ items: z.array(deliveryResponse), nextCursor: z.string().nullable() }) }) },
    "/api/v1/webhooks/{id}/test": { post: op("Send a ping event", { params: [idParam], status: 202 }) },
    "/api/v1/webhook-deliveries/{id}/redeliver": { post: op("Send a delivery again (as a new delivery)", { params: [idParam], status: 202 }) },
    "/api/v1/connections": {
      get: op("Provider connections (never the credential)", { response: z.object({ items: z.array(connectionResponse) }) }),
      post: op("Create a provider connection", { body: createConnectionSchema, response: connectionResponse, status: 201, errors: [409, 422] }),
    },
    "/api/v1/connections/{id}": {
      patch: op("Update a connection", { body: updateConnectionSchema, response: connectionResponse, params: [idParam], errors: [409, 422] }),
      delete: op("Delete a connection no open onboarding uses", { params: [idParam], status: 204, errors: [409] }),
    },
    "/api/v1/members": {
      get: op("Members and roles", { response: z.object({ items: z.array(memberResponse) }) }),
    },
    "/api/v1/invitations": {
      get: op("Pending invitations, and those accepted, revoked or expired in the last 30 days", { response: z.object({ items: z.array(invitationResponse) }) }),
      post: op("Invite an email with a role; the link is in this response only (and mailed when SMTP is configured)", {
        body: createInvitationSchema,
        response: invitationCreatedResponse,
        status: 201,
        errors: [409, 422, 429],
      }),
    },
    "/api/v1/invitations/{id}": { delete: op("Revoke an invitation", { params: [idParam], status: 204, errors: [409] }) },
    "/api/v1/invitations/lookup": {
      get: {
        ...op("What an invitation link offers (no authentication: the token is the credential)", {
          response: invitationLookupResponse,
          params: [{ name: "token", in: "query", required: true, schema: { type: "string" } }],
          errors: [422],
        }),
        security: [],
      },
    },
    "/api/v1/invitations/accept": {
      post: {
        ...op("Accept an invitation: signed in as the invited email, or creating the account with a password", {
          body: acceptInvitationSchema,
          response: invitationAcceptedResponse,
          errors: [409, 422, 429],
          description:
            "Refusals carry a reasonCode: invitation_expired, invitation_revoked, invitation_used (409), invitation_email_mismatch (403: signed in as someone else), sign_in_required (401: an account exists — sign in, then accept), already_member (409).",
        }),
        security: [],
      },
    },
    "/api/v1/members/{userId}": {
      patch: op("Change a member's role", { body: updateMemberSchema, params: [{ name: "userId", in: "path", required: true, schema: { type: "string" } }], errors: [409, 422] }),
      delete: op("Remove a member (and their tokens)", { params: [{ name: "userId", in: "path", required: true, schema: { type: "string" } }], status: 204, errors: [409] }),
    },
    "/api/v1/platforms": { get: op("Platforms created by onboarding", { response: z.object({ items: z.array(platformResponse), nextCursor: z.string().nullable() }) }) },
    "/api/health": { get: { summary: "Database reachable and migrations applied", security: [], responses: { "200": { description: "OK" }, "503": { description: "Unhealthy" } } } },
  };
  return {
    openapi: "3.0.3",
    info: {
      title: "Onramp API",
      version: "1.0.0",
      description:
        "Onboard a platform from signup to its first working deployment. Every write to an onboarding states the version it is based on (`version` in the body → 409 when stale, or `If-Match` → 412); errors are RFC 9457 problem+json with a stable `code`.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token from `npm run admin -- token create` or Settings → API tokens" },
        cookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
      schemas: {
        ...components,
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            code: { type: "string" },
            detail: { type: "string" },
            reasonCode: { type: "string" },
            errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
            currentVersion: { type: "integer" },
          },
          required: ["type", "title", "status", "code", "detail"],
        },
      },
    },
  };
}
