// The contract of one API route in one place: method, path, summary, params, query, body,
// responses by status, and who may call it. lib/api/handler.ts reads it to validate and
// authorize; lib/api/openapi.ts reads it to document. No server-only imports: the schemas it
// points at are also what lib/client/types.ts infers the browser's types from.
import { z, type ZodType } from "zod";
import type { Capability } from "@/lib/auth/capabilities";
import type { SessionAction } from "@/lib/onboarding/actions";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Records whose workspace decides access to a route addressed by `:id` (see lib/api/record-access.ts). */
export type RecordKind =
  | "onboarding"
  | "onboardingWatch"
  | "operationRun"
  | "webhook"
  | "webhookDelivery"
  | "connection"
  | "token"
  | "invitation";

/**
 * Who may call the route; the wrapper enforces it before the handler runs.
 * - `capability` + `scope: "workspace"`: the caller's role in the selected workspace
 *   (`X-Onramp-Workspace` / `?workspace=`, else their first) must carry the capability.
 * - `capability` + `scope: "record"`: the record named by the `id` path parameter is loaded and
 *   the caller's role in *its* workspace must carry the capability (not a member → 404).
 * - `auth: "optional"`: anonymous callers come in as `actor: null` (credentials sent but invalid → 401).
 * - `auth: "public"`: no authentication at all (health, the OpenAPI document).
 */
export type RouteAccess =
  | { capability: Capability; scope: "workspace" }
  | { capability: Capability; scope: "record"; record: RecordKind }
  | { auth: "optional" }
  | { auth: "public" };

/** A documented header (request headers are read by the handler; these only describe them). */
export interface HeaderDoc {
  name: string;
  description: string;
  required?: boolean;
  maxLength?: number;
}

/** Response schemas by status; `null` means no body (204, 304). */
export type Responses = { readonly [status: number]: ZodType | null };

export interface RouteDeclaration<
  P = unknown,
  Q = unknown,
  B = unknown,
  R extends Responses = Responses,
  A extends RouteAccess = RouteAccess,
> {
  method: HttpMethod;
  /** OpenAPI path template: `/api/v1/onboarding/{id}`; the route file lives at the same place under app/. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  /** For onboarding actions: the decision in the session's `actions` that says whether it is allowed now. */
  sessionAction?: SessionAction;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** An absent or empty body counts as `{}` (actions whose fields are all optional). */
  optionalBody?: boolean;
  /** Writes are rate limited per caller by default; reads are not. */
  rateLimit?: "write" | false;
  headers?: HeaderDoc[];
  responses: R;
  /** Problem statuses this route answers besides the ones every route may (401, 403, 404, 500). */
  errors?: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route, whatever its schemas
export type AnyRoute = RouteDeclaration<any, any, any, Responses, RouteAccess>;

export const ROUTE = Symbol.for("onramp.route");

/** Declares a route; the object is also its identity (a route file binds exactly one per method). */
export function defineRoute<
  P = Record<string, never>,
  Q = Record<string, never>,
  B = undefined,
  const R extends Responses = Responses,
  const A extends RouteAccess = RouteAccess,
>(declaration: RouteDeclaration<P, Q, B, R, A>): RouteDeclaration<P, Q, B, R, A> & { readonly [ROUTE]: true } {
  return Object.assign(declaration, { [ROUTE]: true as const });
}

export function isRoute(value: unknown): value is AnyRoute & { readonly [ROUTE]: true } {
  return typeof value === "object" && value !== null && (value as { [ROUTE]?: boolean })[ROUTE] === true;
}

export const IF_MATCH: HeaderDoc = {
  name: "If-Match",
  description:
    'ETag of the version the change is based on, as a GET returned it ("3-owner": version 3 as an owner sees it) or just "3" (or send `version` in the body)',
};

export const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id"),
});
