import { describe, expect, it } from "vitest";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { buildOpenApi, declaredRoutes } from "./openapi";
import { SESSION_ACTIONS } from "@/lib/onboarding/actions";

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    return statSync(p).isDirectory() ? routeFiles(p) : entry === "route.ts" ? [p] : [];
  });
}

describe("OpenAPI document", () => {
  const doc = buildOpenApi() as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  };

  it("documents every API route handler", () => {
    const documented = new Set(Object.keys(doc.paths));
    const missing = routeFiles("app/api/v1")
      .map(
        (f) =>
          "/" +
          path
            .dirname(f)
            .replace(/\\/g, "/")
            .replace(/^app\//, "")
            .replace(/\[(\w+)\]/g, "{$1}"),
      )
      .filter((p) => p !== "/api/v1/openapi.json" && !documented.has(p));
    expect(missing).toEqual([]);
  });

  it("documents the session's actions: every action, each allowed with an optional reason", () => {
    const session = doc.components.schemas.OnboardingSession as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(session.required).toContain("actions");
    const actions = doc.components.schemas.OnboardingActions as {
      properties: Record<string, { $ref: string }>;
      required: string[];
    };
    expect(Object.keys(actions.properties).sort()).toEqual([...SESSION_ACTIONS].sort());
    expect(actions.required.sort()).toEqual([...SESSION_ACTIONS].sort());
    const decision = doc.components.schemas.ActionDecision as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(decision.properties).sort()).toEqual(["allowed", "message", "reasonCode"]);
    expect(decision.required).toEqual(["allowed"]);
    const list = doc.paths["/api/v1/onboarding"].get as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    expect(JSON.stringify(list.responses["200"].content["application/json"].schema)).toContain("OnboardingSessionPage");
    expect(JSON.stringify(doc.components.schemas.OnboardingSessionPage)).toContain("OnboardingSessionSummary");
  });

  it("carries the request schemas the handlers validate with, including their constraints", () => {
    const create = doc.components.schemas.CreateOnboarding as {
      properties: Record<string, { enum?: string[]; pattern?: string }>;
      required: string[];
    };
    expect(create.required.sort()).toEqual(["platformName", "slug", "tier"]);
    expect(create.properties.tier.enum).toEqual(["starter", "growth", "scale"]);
    expect(JSON.stringify(doc)).not.toContain("#/definitions/");
  });

  it("documents invitations instead of adding existing users, with the public endpoints marked public", () => {
    expect(doc.paths["/api/v1/members"].post).toBeUndefined();
    expect(doc.paths["/api/v1/invitations"].post).toBeDefined();
    expect((doc.paths["/api/v1/invitations/lookup"].get as { security: unknown[] }).security).toEqual([]);
    expect((doc.paths["/api/v1/invitations/accept"].post as { security: unknown[] }).security).toEqual([]);
    const accept = doc.components.schemas.AcceptInvitation as {
      properties: Record<string, { minLength?: number }>;
      required: string[];
    };
    expect(accept.required).toEqual(["token"]);
    expect(accept.properties.password.minLength).toBe(12);
  });

  it("is generated from the route declarations: one operation per declaration, with its access", () => {
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({
        key: `${m.toUpperCase()} ${p}`,
        op: op as { operationId: string; "x-required-capability"?: string; security?: unknown[] },
      })),
    );
    const declared = declaredRoutes();
    expect(operations.map((o) => o.key).sort()).toEqual(declared.map(([, r]) => `${r.method} ${r.path}`).sort());
    for (const [name, route] of declared) {
      const op = operations.find((o) => o.key === `${route.method} ${route.path}`)!.op;
      expect(op.operationId).toBe(name);
      if ("capability" in route.access) expect(op["x-required-capability"]).toBe(route.access.capability);
      else expect(op.security).toEqual([]);
    }
    const patch = doc.paths["/api/v1/onboarding/{id}"].patch as { parameters: { name: string; in: string }[] };
    expect(patch.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id", "header:If-Match"]);
  });
});
