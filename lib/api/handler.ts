import "server-only";
// The one wrapper every route handler goes through: a request id and one log line per request,
// authentication and authorization from the route's declaration (lib/api/routes), CSRF for
// cookie writes, HSTS over https, rate limits, body/query/params parsing with zod, and error mapping to
// problem+json. Route files bind a handler to a declaration and read like their spec:
//   export const GET = handle(routes.getOnboarding, async ({ record }) => json(routes.getOnboarding, …));
import type { NextRequest } from "next/server";
import type { z, ZodType } from "zod";
import { ApiError } from "./errors";
import { problemResponse } from "./problem";
import { parseWith, readJson } from "./request-body";
import { checkSameOrigin, enforceWriteLimit, logRequest, requestIdOf, withHeader } from "./request-guards";
import { authorizeRecord, type LoadedRecord } from "./record-access";
import { isRoute, type AnyRoute, type RecordKind, type RouteAccess, type RouteDeclaration } from "./define-route";
import { authorize, resolveActor, selectWorkspace, type Actor, type ActorMembership } from "@/lib/auth/actor";
import { withRequestSpan } from "@/lib/observability/request-span";
import { recordHttpRequest } from "@/lib/observability/http-metrics";
import { servedOverHttps } from "@/lib/http/forwarded";
import { HSTS } from "@/lib/http/security-headers";

export { idParams } from "./define-route";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type RouteContext = { params: Promise<Record<string, string | string[]>> };
export type BoundHandler = ((req: NextRequest, routeContext: RouteContext) => Promise<Response>) & { route?: AnyRoute };

/* eslint-disable @typescript-eslint/no-explicit-any -- only to pick one type argument of a declaration */
type ParamsOf<R> = R extends RouteDeclaration<infer P, any, any, any, any> ? P : never;
type QueryOf<R> = R extends RouteDeclaration<any, infer Q, any, any, any> ? Q : never;
type BodyOf<R> = R extends RouteDeclaration<any, any, infer B, any, any> ? B : never;
/* eslint-enable @typescript-eslint/no-explicit-any */
type ActorOf<A> = A extends { auth: "public" } ? null : A extends { auth: "optional" } ? Actor | null : Actor;

export interface RouteHandlerContext<R extends AnyRoute> {
  req: NextRequest;
  actor: ActorOf<R["access"]>;
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  /** The caller's membership the route was authorized with (routes declared with a capability). */
  workspace: R["access"] extends { capability: string } ? ActorMembership : undefined;
  /** The record the `id` names, loaded to authorize (routes declared with `scope: "record"`). */
  record: R["access"] extends { record: infer K extends RecordKind } ? LoadedRecord<K> : undefined;
}

interface Core {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  optionalBody?: boolean;
  rateLimit?: "write" | false;
  access: RouteAccess | { auth: "required" };
  /** The declared path template: the `route` label of metrics and the name of the request span. */
  path?: string;
}

type Ctx = {
  req: NextRequest;
  actor: Actor | null;
  params: unknown;
  query: unknown;
  body: unknown;
  workspace?: ActorMembership;
  record?: unknown;
};

function wrap(options: Core, handler: (ctx: Ctx) => Promise<Response>): BoundHandler {
  const access = options.access;
  const auth = "auth" in access ? access.auth : "required";
  const route = options.path ?? "unmatched";
  return withRequestSpan(route, async (req, routeContext) => {
    const started = performance.now();
    const instance = req.nextUrl.pathname;
    const requestId = requestIdOf(req.headers);
    let actorKind: Actor["via"] | "none" = "none";
    let response: Response;
    try {
      const actor = auth === "public" ? null : await resolveActor(req);
      actorKind = actor?.via ?? "none";
      if (auth !== "public" && !actor && (auth !== "optional" || req.headers.has("authorization"))) {
        throw new ApiError(
          "unauthenticated",
          "Sign in, or send a valid API token as `Authorization: Bearer <token>`.",
          {
            headers: { "www-authenticate": 'Bearer realm="onramp"' },
          },
        );
      }
      if (UNSAFE.has(req.method) && actor?.via === "session") checkSameOrigin(req);
      const limitKind = options.rateLimit ?? (UNSAFE.has(req.method) ? "write" : false);
      if (limitKind && auth !== "public") await enforceWriteLimit(actor, req);

      const params = parseWith(options.params, await routeContext.params, "Path parameter");
      const query = parseWith(options.query, Object.fromEntries(req.nextUrl.searchParams), "Query parameter");
      const raw = options.body ? await readJson(req, options.optionalBody ?? false) : undefined;
      const body = options.body ? parseWith(options.body, raw, "Body") : undefined;
      // Access is decided after parsing, as the handlers did before it moved here: a malformed
      // request answers 4xx for its shape whoever sends it.
      let workspace: ActorMembership | undefined;
      let record: unknown;
      if ("capability" in access && actor) {
        if (access.scope === "workspace") {
          workspace = authorize(actor, selectWorkspace(actor, req).workspaceId, access.capability, "Workspace");
        } else {
          ({ record, membership: workspace } = await authorizeRecord(
            actor,
            access.record,
            (params as { id: string }).id,
            access.capability,
          ));
        }
      }
      response = await handler({ req, actor, params, query, body, workspace, record });
    } catch (err) {
      response = problemResponse(err, instance, requestId);
    }
    response = withHeader(response, "x-request-id", requestId);
    // proxy.ts does not run for the API (lib/http/security-headers.ts): HSTS is set here.
    if (servedOverHttps(req.headers)) response = withHeader(response, "strict-transport-security", HSTS);
    const ms = performance.now() - started;
    logRequest(req.method, instance, response.status, ms, requestId, actorKind);
    recordHttpRequest(req.method, route, response.status, ms);
    return response;
  });
}

/** Binds a route file's handler to its declaration: the wrapper validates and authorizes from it. */
export function handle<R extends AnyRoute>(
  route: R,
  handler: (ctx: RouteHandlerContext<R>) => Promise<Response>,
): BoundHandler {
  const bound = wrap(route, handler as unknown as (ctx: Ctx) => Promise<Response>);
  return Object.assign(bound, { route });
}

type BodyStatus<R extends AnyRoute> = {
  [S in keyof R["responses"]]: R["responses"][S] extends ZodType ? S : never;
}[keyof R["responses"]];
type DefaultStatus<R extends AnyRoute> = 200 extends BodyStatus<R> ? 200 : BodyStatus<R>;
type ResponseInit = { headers?: Record<string, string> };

/** A JSON response whose body the compiler checks against the route's declared schema for that status. */
export function json<R extends AnyRoute, S extends BodyStatus<R> = DefaultStatus<R>>(
  route: R,
  body: z.input<Extract<R["responses"][S], ZodType>>,
  init?: ResponseInit & { status?: S },
): Response;
/** @deprecated Untyped: declare the route in lib/api/routes and call json(routes.x, body). */
export function json(data: unknown, init?: ResponseInit & { status?: number }): Response;
export function json(...args: unknown[]): Response {
  const [data, init = {}] = (isRoute(args[0]) ? args.slice(1) : args) as [unknown, ResponseInit & { status?: number }];
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...init.headers },
  });
}

/** 204 (or 304): only for a route that declares that status without a body. */
export function noContent<R extends AnyRoute>(
  route: R,
  status: { [S in keyof R["responses"]]: R["responses"][S] extends null ? S : never }[keyof R["responses"]] & number,
  headers?: Record<string, string>,
): Response {
  return new Response(null, { status, headers });
}

// ── Before route declarations ────────────────────────────────────────────────────────────
// Kept so that routes written in the older style still work until they are declared in
// lib/api/routes (the route-binding test lists the ones that are not).

interface Options<P, Q, B> {
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  optionalBody?: boolean;
  rateLimit?: "write" | false;
  auth?: "required" | "optional";
}

export interface HandlerContext<P, Q, B, A extends Actor | null = Actor> {
  req: NextRequest;
  actor: A;
  params: P;
  query: Q;
  body: B;
}

/** @deprecated Declare the route in lib/api/routes and bind it with `handle`. */
export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  options: Options<P, Q, B> & { auth: "optional" },
  handler: (ctx: HandlerContext<P, Q, B, Actor | null>) => Promise<Response>,
): BoundHandler;
/** @deprecated Declare the route in lib/api/routes and bind it with `handle`. */
export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  options: Options<P, Q, B>,
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<Response>,
): BoundHandler;
export function apiRoute<P, Q, B>(
  options: Options<P, Q, B>,
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<Response>,
) {
  return wrap(
    { ...options, access: { auth: options.auth ?? "required" } as Core["access"] },
    handler as unknown as (ctx: Ctx) => Promise<Response>,
  );
}
