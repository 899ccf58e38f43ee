// Builds the OpenAPI 3 document from the route declarations (lib/api/routes): the same zod
// schemas the wrapper validates with, the same access rules it enforces. No path is listed here.
import { z, type ZodType } from "zod";
import * as routes from "./routes";
import { isRoute, type AnyRoute, type HeaderDoc } from "./define-route";

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted (the work continues in a run)",
  204: "No content",
  304: "Not modified",
  400: "Bad request (a header or the query is malformed)",
  401: "Not signed in, or the token is invalid, revoked or expired",
  403: "Signed in, but the role does not allow it (the problem names the capability)",
  404: "Not found, or in a workspace the caller is not a member of",
  409: "Conflict: a stale `version` (currentVersion says the current one) or a state that does not allow it (reasonCode)",
  412: "Precondition failed: the If-Match version is stale",
  413: "The body exceeds 64 KiB",
  415: "The body is not JSON",
  422: "Validation failed (errors lists each field)",
  428: "Precondition required: send `version` in the body or If-Match",
  429: "Too many requests (Retry-After)",
  503: "Unhealthy",
};

function schemaRef(schema: ZodType, io: "input" | "output", components: Record<string, Json>): Json {
  const json = z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Json & {
    definitions?: Record<string, Json>;
  };
  const rewrite = (value: Json): Json =>
    JSON.parse(JSON.stringify(value).replaceAll("#/definitions/", "#/components/schemas/"));
  for (const [name, def] of Object.entries(json.definitions ?? {})) components[name] = rewrite(def);
  const { definitions: _drop, ...rest } = json;
  void _drop;
  // A schema with an id comes back as a reference to itself, defined in `definitions`.
  return rewrite(rest);
}

/** Query and path parameters come from the object schema's fields, with their constraints. */
function parametersOf(schema: ZodType | undefined, where: "path" | "query", components: Record<string, Json>): Json[] {
  if (!schema) return [];
  const json = schemaRef(schema, "input", components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop as Json & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      schema: rest,
      ...(description ? { description } : {}),
    };
  });
}

function accessText(route: AnyRoute): string {
  const a = route.access;
  if ("auth" in a)
    return a.auth === "public"
      ? "No authentication."
      : "Authentication optional: anonymous callers are let in; invalid credentials answer 401.";
  const where =
    a.scope === "workspace"
      ? "the selected workspace (X-Onramp-Workspace or ?workspace=, else the caller's first)"
      : `the ${a.record}'s workspace`;
  const action = route.sessionAction
    ? ` Allowed now when the session's \`actions.${route.sessionAction}.allowed\` is true.`
    : "";
  return `Needs the \`${a.capability}\` capability in ${where}.${action}`;
}

function operation(name: string, route: AnyRoute, components: Record<string, Json>): Json {
  const problem = {
    description: "",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  const isPublic = "auth" in route.access;
  const errorCodes = [...(isPublic ? [] : [401, 403, 404]), ...(route.errors ?? [])];
  const responses: Json = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = {
      description: STATUS_TEXT[Number(status)] ?? "OK",
      ...(schema ? { content: { "application/json": { schema: schemaRef(schema, "output", components) } } } : {}),
    };
  }
  for (const code of [...new Set(errorCodes)].sort())
    responses[String(code)] ??= { ...problem, description: STATUS_TEXT[code] ?? "Problem" };
  const workspaceHeader: HeaderDoc[] =
    "scope" in route.access && route.access.scope === "workspace"
      ? [
          {
            name: "X-Onramp-Workspace",
            description: "The workspace to act in, by slug or id (or ?workspace=); default: the caller's first",
          },
        ]
      : [];
  const headers = [...workspaceHeader, ...(route.headers ?? [])].map((h) => ({
    name: h.name,
    in: "header",
    required: h.required ?? false,
    description: h.description,
    schema: { type: "string", ...(h.maxLength ? { maxLength: h.maxLength } : {}) },
  }));
  const description = [route.description, accessText(route)].filter(Boolean).join("\n\n");
  return {
    operationId: name,
    summary: route.summary,
    description,
    tags: [route.tag],
    parameters: [
      ...parametersOf(route.params, "path", components),
      ...parametersOf(route.query, "query", components),
      ...headers,
    ],
    ...(route.body
      ? {
          requestBody: {
            required: !route.optionalBody,
            content: { "application/json": { schema: schemaRef(route.body, "input", components) } },
          },
        }
      : {}),
    responses,
    ...(isPublic ? { security: [] } : {}),
    ...("capability" in route.access ? { "x-required-capability": route.access.capability } : {}),
    ...(route.sessionAction ? { "x-session-action": route.sessionAction } : {}),
  };
}

/** The declared routes with the names they are exported under (the operationId). */
export function declaredRoutes(): [name: string, route: AnyRoute][] {
  return Object.entries(routes as Record<string, unknown>).filter((entry): entry is [string, AnyRoute] =>
    isRoute(entry[1]),
  );
}

export function buildOpenApi(): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  for (const [name, route] of declaredRoutes()) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(name, route, components);
  }
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
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token from `npm run admin -- token create` or Settings → API tokens",
        },
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
            errors: {
              type: "array",
              items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } },
            },
            currentVersion: { type: "integer" },
          },
          required: ["type", "title", "status", "code", "detail"],
        },
      },
    },
  };
}
