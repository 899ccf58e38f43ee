// HTTP-level checks of the contract the UI is built on.
import { expect, test } from "@playwright/test";
import { createOnboarding, uniqueSlug } from "./helpers";

test("without credentials the API answers 401 problem+json", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await anonymous.get("/api/v1/me");
  expect(res.status()).toBe(401);
  expect(res.headers()["content-type"]).toContain("application/problem+json");
  expect((await res.json()).code).toBe("unauthenticated");
  await anonymous.dispose();
});

test("a stale version is refused with the current version and nothing is written", async ({ request }) => {
  const { id, version } = await createOnboarding(request, {
    platformName: "Api Conflict",
    slug: uniqueSlug("api-conflict"),
  });
  const first = await request.patch(`/api/v1/onboarding/${id}`, { data: { version, platformName: "First" } });
  expect(first.ok()).toBeTruthy();
  const stale = await request.patch(`/api/v1/onboarding/${id}`, { data: { version, platformName: "Second" } });
  expect(stale.status()).toBe(409);
  const problem = await stale.json();
  expect(problem.code).toBe("version_conflict");
  expect(problem.currentVersion).toBe(version + 1);
  const current = await (await request.get(`/api/v1/onboarding/${id}`)).json();
  expect(current.platformName).toBe("First");
});
