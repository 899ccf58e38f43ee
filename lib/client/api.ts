// The browser's one way to talk to /api/v1: unwraps JSON, passes the abort signal, and turns
// every non-2xx answer into a typed ApiProblem (RFC 9457 body kept whole in `body`).
import type {
  NotificationPage,
  OperationRunFilters,
  OperationRunItem,
  ApiToken,
  ApiTokenCreated,
  AuditEntry,
  CancelledSession,
  Connection,
  CreateOnboardingInput,
  DeprovisionPlan,
  Insights,
  InsightsWindow,
  Invitation,
  InvitationAccepted,
  InvitationCreated,
  InvitationLookup,
  Me,
  Member,
  OnboardingCreated,
  Page,
  PatchOnboardingInput,
  Platform,
  PlatformStatus,
  Resource,
  Role,
  Run,
  RunStarted,
  Session,
  SessionSummary,
  SlugAvailability,
  Watch,
  WebhookCreated,
  WebhookDelivery,
  WebhookEndpoint,
} from "./types";

export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
}

/** The current state a version conflict reports (409 version_conflict / 412). */
export interface ConflictState {
  version: number;
  status: string;
  lifecycleState: string;
  currentCheckpoint: string;
  updatedAt: string;
  updatedById: string | null;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: FieldProblem[];
  readonly reasonCode: string | null;
  /** The whole problem body, for extras such as `currentVersion` or `runId`. */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = typeof body.detail === "string" ? body.detail : `Request failed (HTTP ${status}).`;
    super(detail);
    this.name = "ApiProblem";
    this.status = status;
    this.code = typeof body.code === "string" ? body.code : status === 0 ? "network_error" : `http_${status}`;
    this.detail = detail;
    this.fields = Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [];
    this.reasonCode = typeof body.reasonCode === "string" ? body.reasonCode : null;
    this.body = body;
  }

  /** The message for one field, for showing next to its input. */
  fieldError(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }

  get isVersionConflict(): boolean {
    return this.code === "version_conflict" || this.code === "precondition_failed" || this.status === 412;
  }

  get currentVersion(): number | null {
    return typeof this.body.currentVersion === "number" ? this.body.currentVersion : null;
  }

  get current(): ConflictState | null {
    const c = this.body.current;
    return c && typeof c === "object" ? (c as ConflictState) : null;
  }
}

export const isProblem = (err: unknown, ...codes: string[]): err is ApiProblem =>
  err instanceof ApiProblem && (codes.length === 0 || codes.includes(err.code));

/** A human sentence for any error a query or mutation throws. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiProblem) return err.detail;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}

// Which workspace collection requests act in (the API defaults to the first membership).
// Remembered per browser; an unknown one is forgotten by useMe.
const WORKSPACE_KEY = "onramp.workspace";
let workspaceHeader: string | null | undefined;

export function currentWorkspace(): string | null {
  if (workspaceHeader === undefined) {
    try {
      workspaceHeader = typeof window === "undefined" ? null : window.localStorage.getItem(WORKSPACE_KEY);
    } catch {
      workspaceHeader = null;
    }
  }
  return workspaceHeader;
}

export function setWorkspace(slug: string | null): void {
  workspaceHeader = slug;
  try {
    if (slug) window.localStorage.setItem(WORKSPACE_KEY, slug);
    else window.localStorage.removeItem(WORKSPACE_KEY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const workspace = currentWorkspace();
  if (workspace) headers["x-onramp-workspace"] = workspace;
  try {
    return await fetch(withQuery(`/api/v1${path}`, opts.query), {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiProblem(0, {
      code: "network_error",
      detail: "Could not reach the server. Check your connection and try again.",
    });
  }
}

async function readBody<T>(res: Response): Promise<T> {
  if (res.status === 204 || res.status === 304) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const body =
      parsed && typeof parsed === "object"
        ? (parsed as Record<string, unknown>)
        : { detail: `Request failed (HTTP ${res.status}).` };
    throw new ApiProblem(res.status, body);
  }
  return parsed as T;
}

export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return readBody<T>(await send(path, opts));
}

/** A conditional GET's answer: `body` is null when the server said 304 (what `etag` named is still current). */
export interface Conditional<T> {
  body: T | null;
  etag: string | null;
}

/**
 * A GET conditional on `etag`. The browser never revalidates for us (requests are
 * `cache: "no-store"`), so the ETag is kept by the caller and sent as If-None-Match here.
 */
export async function apiFetchConditional<T>(
  path: string,
  etag: string | null,
  opts: Omit<RequestOptions, "method" | "body"> = {},
): Promise<Conditional<T>> {
  const res = await send(path, { ...opts, headers: { ...opts.headers, ...(etag ? { "if-none-match": etag } : {}) } });
  const body = await readBody<T>(res);
  return {
    body: res.status === 304 ? null : body,
    etag: res.headers.get("etag") ?? (res.status === 304 ? etag : null),
  };
}

export interface OnboardingFilters {
  status?: string;
  lifecycle?: string;
  reasonCode?: string;
  q?: string;
  /** healthy | retrying | stalled: the active run's health. */
  health?: string;
}

/** Every endpoint the UI uses, typed. Queries take the abort signal React Query hands them. */
export const api = {
  me: (signal?: AbortSignal) => apiFetch<Me>("/me", { signal }),

  listOnboardings: (filters: OnboardingFilters & { cursor?: string; limit?: number }, signal?: AbortSignal) =>
    apiFetch<Page<SessionSummary>>("/onboarding", { query: { ...filters }, signal }),
  createOnboarding: (input: CreateOnboardingInput, idempotencyKey: string) =>
    apiFetch<OnboardingCreated>("/onboarding", {
      method: "POST",
      body: input,
      headers: { "idempotency-key": idempotencyKey },
    }),
  slugAvailability: (slug: string, excludeId: string | undefined, signal?: AbortSignal) =>
    apiFetch<SlugAvailability>("/onboarding/slug-availability", { query: { slug, excludeId }, signal }),
  session: (id: string, signal?: AbortSignal) => apiFetch<Session>(`/onboarding/${id}`, { signal }),
  patchSession: (id: string, version: number, input: PatchOnboardingInput) =>
    apiFetch<Session>(`/onboarding/${id}`, { method: "PATCH", body: { version, ...input } }),
  startVerify: (id: string, version: number) =>
    apiFetch<RunStarted>(`/onboarding/${id}/verify-access`, { method: "POST", body: { version } }),
  startBootstrap: (id: string, version: number) =>
    apiFetch<RunStarted>(`/onboarding/${id}/bootstrap`, { method: "POST", body: { version } }),
  resumeBootstrap: (id: string, version: number) =>
    apiFetch<RunStarted>(`/onboarding/${id}/resume`, { method: "POST", body: { version } }),
  deprovision: (id: string, version: number) =>
    apiFetch<RunStarted>(`/onboarding/${id}/deprovision`, { method: "POST", body: { version } }),
  /** The dry run: changes nothing, needs no version. */
  deprovisionPlan: (id: string, signal?: AbortSignal) =>
    apiFetch<DeprovisionPlan>(`/onboarding/${id}/deprovision`, { method: "POST", body: { dryRun: true }, signal }),
  resources: (id: string, signal?: AbortSignal) =>
    apiFetch<{ items: Resource[] }>(`/onboarding/${id}/resources`, { signal }),
  cancelOnboarding: (id: string, version: number, reason?: string) =>
    apiFetch<CancelledSession>(`/onboarding/${id}/cancel`, {
      method: "POST",
      body: { version, ...(reason ? { reason } : {}) },
    }),
  activate: (id: string, version: number, opts: { override?: boolean; reason?: string } = {}) =>
    apiFetch<Session>(`/onboarding/${id}/activate`, {
      method: "POST",
      body: { version, ...(opts.override ? { override: true, reason: opts.reason } : {}) },
    }),
  runs: (id: string, signal?: AbortSignal) => apiFetch<{ items: Run[] }>(`/onboarding/${id}/runs`, { signal }),
  /** The wizard's one poll while a checkpoint is active (null body: nothing changed since `etag`). */
  watch: (id: string, etag: string | null, logAfter: string | undefined, signal?: AbortSignal) =>
    apiFetchConditional<Watch>(`/onboarding/${id}/watch`, etag, { query: { logAfter }, signal }),
  audit: (id: string, cursor: string | undefined, signal?: AbortSignal, limit = 50) =>
    apiFetch<Page<AuditEntry>>(`/onboarding/${id}/audit`, { query: { cursor, limit }, signal }),

  run: (id: string, logAfter: string | undefined, signal?: AbortSignal) =>
    apiFetch<Run>(`/operation-runs/${id}`, { query: { logAfter }, signal }),
  operationRuns: (query: OperationRunFilters & { cursor?: string; limit?: number }, signal?: AbortSignal) =>
    apiFetch<Page<OperationRunItem>>("/operation-runs", { query: { ...query }, signal }),
  recheckAccess: (id: string, version: number, checkKey: string) =>
    apiFetch<RunStarted>(`/onboarding/${id}/verify-access/recheck`, { method: "POST", body: { version, checkKey } }),

  notifications: (query: { cursor?: string; limit?: number; unread?: boolean }, signal?: AbortSignal) =>
    apiFetch<NotificationPage>("/notifications", {
      query: { ...query, unread: query.unread ? "true" : undefined },
      signal,
    }),
  markNotificationsRead: (target: { ids: string[] } | { all: true }) =>
    apiFetch<{ updated: number; unreadCount: number }>("/notifications/read", { method: "POST", body: target }),

  cancelRun: (runId: string, version: number) =>
    apiFetch<{ session: Session }>(`/operation-runs/${runId}/cancel`, { method: "POST", body: { version } }),

  insights: (days: InsightsWindow, signal?: AbortSignal) =>
    apiFetch<Insights>("/insights", { query: { days }, signal }),

  platforms: (query: { status?: PlatformStatus; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    apiFetch<Page<Platform>>("/platforms", { query, signal }),

  tokens: (signal?: AbortSignal) => apiFetch<{ items: ApiToken[] }>("/tokens", { signal }),
  createToken: (input: { name: string; role: Role; expiresInDays?: number }) =>
    apiFetch<ApiTokenCreated>("/tokens", { method: "POST", body: input }),
  revokeToken: (id: string) => apiFetch<void>(`/tokens/${id}`, { method: "DELETE" }),

  webhooks: (signal?: AbortSignal) => apiFetch<{ items: WebhookEndpoint[] }>("/webhooks", { signal }),
  createWebhook: (input: { url: string; description?: string; events: string[] }) =>
    apiFetch<WebhookCreated>("/webhooks", { method: "POST", body: input }),
  updateWebhook: (
    id: string,
    input: { url?: string; description?: string | null; events?: string[]; active?: boolean },
  ) => apiFetch<WebhookEndpoint>(`/webhooks/${id}`, { method: "PATCH", body: input }),
  deleteWebhook: (id: string) => apiFetch<void>(`/webhooks/${id}`, { method: "DELETE" }),
  deliveries: (id: string, cursor: string | undefined, signal?: AbortSignal) =>
    apiFetch<Page<WebhookDelivery>>(`/webhooks/${id}/deliveries`, { query: { cursor }, signal }),
  testWebhook: (id: string) => apiFetch<WebhookDelivery>(`/webhooks/${id}/test`, { method: "POST" }),
  redeliver: (deliveryId: string) =>
    apiFetch<WebhookDelivery>(`/webhook-deliveries/${deliveryId}/redeliver`, { method: "POST" }),

  connections: (signal?: AbortSignal) => apiFetch<{ items: Connection[] }>("/connections", { signal }),
  createConnection: (
    input:
      | {
          name: string;
          kind: "github";
          config: { org: string; templateOwner: string; templateRepo: string; baseUrl?: string };
          token: string;
        }
      | { name: string; kind: "cloudflare"; config: { accountId: string; apiBaseUrl?: string }; token: string },
  ) => apiFetch<Connection>("/connections", { method: "POST", body: input }),
  updateConnection: (
    id: string,
    input: {
      name?: string;
      config?: {
        org?: string;
        templateOwner?: string;
        templateRepo?: string;
        baseUrl?: string | null;
        accountId?: string;
        apiBaseUrl?: string | null;
      };
      token?: string | null;
    },
  ) => apiFetch<Connection>(`/connections/${id}`, { method: "PATCH", body: input }),
  deleteConnection: (id: string) => apiFetch<void>(`/connections/${id}`, { method: "DELETE" }),

  members: (signal?: AbortSignal) => apiFetch<{ items: Member[] }>("/members", { signal }),
  changeRole: (userId: string, role: Role) =>
    apiFetch<Member>(`/members/${userId}`, { method: "PATCH", body: { role } }),
  removeMember: (userId: string) => apiFetch<void>(`/members/${userId}`, { method: "DELETE" }),

  invitations: (signal?: AbortSignal) => apiFetch<{ items: Invitation[] }>("/invitations", { signal }),
  createInvitation: (input: { email: string; role: Role }) =>
    apiFetch<InvitationCreated>("/invitations", { method: "POST", body: input }),
  revokeInvitation: (id: string) => apiFetch<void>(`/invitations/${id}`, { method: "DELETE" }),
  lookupInvitation: (token: string, signal?: AbortSignal) =>
    apiFetch<InvitationLookup>("/invitations/lookup", { query: { token }, signal }),
  acceptInvitation: (input: { token: string; password?: string; name?: string }) =>
    apiFetch<InvitationAccepted>("/invitations/accept", { method: "POST", body: input }),
};
