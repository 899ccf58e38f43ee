import { expect, test, type APIRequestContext } from "@playwright/test";
import { connectAndVerify, createOnboarding, getSession, screenshot, uniqueSlug } from "./helpers";

// The phone-width test runs after the first, so its picture shows the seeded data.
test.describe.configure({ mode: "serial" });

/** Connect, verify and bootstrap through the API; waits for the bootstrap to end. */
async function bootstrapTo(request: APIRequestContext, id: string, lifecycle: string) {
  await connectAndVerify(request, id);
  const { version } = await getSession(request, id);
  const res = await request.post(`/api/v1/onboarding/${id}/bootstrap`, { data: { version } });
  expect(res.status(), await res.text()).toBe(202);
  await expect.poll(async () => (await getSession(request, id)).lifecycleState, { timeout: 60_000 }).toBe(lifecycle);
}

test("Insights shows the funnel, step durations and failure reasons, and links to the affected onboardings", async ({
  page,
  request,
}) => {
  // Seeded through the product itself: one onboarding bootstrapped, one whose bootstrap fails
  // (injected at setup_repo on every attempt), one left at Identify.
  const ok = await createOnboarding(request, {
    platformName: "Insights OK",
    slug: uniqueSlug("insights-ok"),
    simulation: { stepDelayMs: 200 },
  });
  const failing = await createOnboarding(request, {
    platformName: "Insights Failing",
    slug: uniqueSlug("insights-fail"),
    simulation: { stepDelayMs: 200, failStep: "setup_repo", failTimes: 0 },
  });
  await createOnboarding(request, { platformName: "Insights Draft", slug: uniqueSlug("insights-draft") });
  await Promise.all([
    bootstrapTo(request, ok.id, "ready_for_activation"),
    bootstrapTo(request, failing.id, "bootstrap_failed"),
  ]);

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Insights" }).click();
  await expect(page).toHaveURL(/\/insights$/);
  await expect(page.getByRole("heading", { name: "Insights", level: 1 })).toBeVisible();

  const funnel = page.getByTestId("insights-funnel");
  await expect(funnel).toBeVisible();
  // The screen-reader table carries the same numbers as the bars.
  const funnelTable = page.getByRole("table", { name: "Onboardings by furthest checkpoint reached" });
  await expect(funnelTable.getByRole("row", { name: /Identify \(created\)/ })).toBeAttached();
  const created = Number(
    (
      await funnelTable
        .getByRole("row", { name: /Identify \(created\)/ })
        .getByRole("cell")
        .first()
        .textContent()
    )?.replace(/\D/g, ""),
  );
  expect(created).toBeGreaterThanOrEqual(3);

  const steps = page.getByTestId("insights-step-durations");
  await expect(steps).toBeVisible();
  await expect(steps).toContainText("Create platform");
  await expect(steps).toContainText("p90");
  const stepTable = page.getByRole("table", { name: "Time per pipeline step" });
  await expect(
    stepTable
      .getByRole("row", { name: /Verify deployment/ })
      .getByRole("cell")
      .first(),
  ).toHaveText(/\d+(\.\d)? s/);

  const reasons = page.getByTestId("insights-reason-codes");
  await expect(reasons).toContainText("step_failed:setup_repo");
  await screenshot(page, "insights-1280");

  // The window switch keeps the page and changes the query.
  await page.getByText("7 days", { exact: true }).click();
  await expect(page).toHaveURL(/days=7/);
  await expect(page.getByRole("radio", { name: "7 days" })).toBeChecked();
  await expect(reasons).toContainText("step_failed:setup_repo");

  await reasons.getByRole("link", { name: /onboarding.* that failed with step_failed:setup_repo/ }).click();
  await expect(page).toHaveURL(/\/\?reasonCode=step_failed%3Asetup_repo/);
  await expect(page.getByTestId("reason-code-filter")).toContainText("step_failed:setup_repo");
  await expect(page.getByRole("link", { name: "Insights Failing" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Insights OK" })).toHaveCount(0);
});

test("Insights is readable at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/insights?days=90");
  await expect(page.getByTestId("insights-funnel")).toBeVisible();
  await expect(page.getByTestId("insights-reason-codes")).toBeVisible();
  // Nothing overflows the screen sideways.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "insights-390");
});
