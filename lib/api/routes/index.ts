// Every API route, declared once. The wrapper (lib/api/handler.ts) validates and authorizes
// from these, GET /api/v1/openapi.json is generated from them (lib/api/openapi.ts), and
// lib/api/routes.test.ts checks that each app/api/**/route.ts export is bound to exactly one
// of them and each of them to a route file.
//
// Adding a route (or converting one written with `apiRoute`):
// 1. Declare it in the domain's module here (or a new module re-exported below):
//    `export const getThing = defineRoute({ method: "GET", path: "/api/v1/things/{id}", tag, summary,
//    access: { capability: "view", scope: "record", record: "thing" }, params: idParams,
//    responses: { 200: thingResponse } })` — response schemas live beside the domain's request
//    schemas (lib/<domain>/schemas.ts, no server-only imports: the browser's types come from them).
// 2. In app/api/.../route.ts: `export const GET = handle(routes.getThing, async ({ params, record }) =>
//    json(routes.getThing, await loadThing(params.id)))`. No `authorize`/`selectWorkspace` in the
//    handler: `workspace` (the membership) and `record` arrive in its context.
// 3. A new record kind gets a loader in lib/api/record-access.ts; a new response type for the
//    browser is a `z.infer` line in lib/client/types.ts; the route gets a real call in
//    lib/api/response-conformance.integration.test.ts.
export * from "./onboarding";
export * from "./runs";
export * from "./settings";
export * from "./workspace";
export * from "./system";
export * from "./notifications";
export * from "./insights";
