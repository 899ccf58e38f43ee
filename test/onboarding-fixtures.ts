// Onboardings for integration tests, made through the API as a client would: create one, start
// a run on it. (Separate from fixtures.ts, which stays free of route imports.)
import { expect } from "vitest";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import { callRoute, uniqueId, type RouteHandler } from "./fixtures";

/** POST /onboarding (simulated provider); answers the new onboarding's id and version. */
export async function createOnboarding(
  token: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; version: number }> {
  const created = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token,
    body: { platformName: "Test Platform", slug: uniqueId("o"), tier: "starter", ...fields },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  return { id: created.body.onboardingId, version: created.body.version };
}

/** POSTs a run action (`verify-access/route`, `bootstrap/route`, …) based on `version`; expects 202. */
export async function startRun(handler: RouteHandler, token: string, id: string, version: number) {
  const res = await callRoute(handler, { method: "POST", url: "http://x", token, params: { id }, body: { version } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { run: { id: string }; version: number };
}

/** GET /onboarding/:id (headers: If-None-Match and the like). */
export function getOnboarding(token: string, id: string, headers: Record<string, string> = {}) {
  return callRoute(item.GET, {
    method: "GET",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
    headers,
  });
}

/** PATCH /onboarding/:id with `body` as is (headers: If-Match and the like). */
export function patchOnboarding(token: string, id: string, body: unknown, headers: Record<string, string> = {}) {
  return callRoute(item.PATCH, {
    method: "PATCH",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token,
    params: { id },
    body,
    headers,
  });
}
