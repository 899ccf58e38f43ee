import { expect, test, type Page } from "@playwright/test";
import { connectAndVerify, createOnboarding, getSession, screenshot, uniqueSlug } from "./helpers";

const stepLink = (page: Page, label: string) =>
  page.getByRole("navigation", { name: "Onboarding steps" }).getByRole("link", { name: new RegExp(`^${label}`) });
const stepStatus = (page: Page, key: string) => page.getByTestId(`step-status-${key}`);

test("create, connect, verify, bootstrap with live progress, activate", async ({ page }) => {
  const slug = uniqueSlug("acme-cloud");

  await page.goto("/");
  await page.getByRole("link", { name: "New onboarding" }).first().click();
  await expect(page.getByRole("heading", { name: "New onboarding" })).toBeVisible();
  await page.getByLabel("Platform name").fill("Acme Cloud");
  await expect(page.getByLabel("Slug")).toHaveValue("acme-cloud"); // suggested from the name
  await page.getByLabel("Slug").fill(slug);
  await expect(page.getByTestId("slug-available")).toBeVisible();
  await page.getByText("Growth", { exact: true }).click();
  await page.getByText("Advanced: failure injection (simulated provider)").click();
  // Slow steps, so that progress between two polls can be seen on screen.
  await page.getByLabel("Step duration (ms)").fill("2500");
  await page.getByRole("button", { name: "Create onboarding" }).click();

  // A new onboarding opens at its current checkpoint: Connect.
  await expect(page).toHaveURL(/\/onboarding\/[^/]+\/connect$/);
  const id = page.url().split("/").at(-2)!;
  await expect(page.getByTestId("wizard-title")).toHaveText("Acme Cloud");

  await stepLink(page, "Identify").click();
  await expect(page).toHaveURL(/\/identify$/);
  await expect(page.getByRole("heading", { level: 2, name: "Identify" })).toBeFocused();
  await expect(page.getByLabel("Platform name")).toHaveValue("Acme Cloud");
  await screenshot(page, "wizard-1-identify-1280");

  await stepLink(page, "Connect").click();
  await expect(page.getByRole("heading", { level: 2, name: "Connect" })).toBeFocused();
  // The workspace's defaults are pre-selected for both roles: a first-time operator saves at once.
  const repository = page.getByRole("group", { name: "Repository" });
  const infrastructure = page.getByRole("group", { name: "Infrastructure" });
  await expect(repository.getByRole("radio", { name: /Simulated \(built-in\)/ })).toBeChecked();
  await expect(infrastructure.getByRole("radio", { name: /Simulated \(built-in\)/ })).toBeChecked();
  await screenshot(page, "wizard-2-connect-1280");
  await page.getByRole("button", { name: "Save and continue" }).click();
  // Saving moves on to Verify Access.
  await expect(page).toHaveURL(/\/verify-access$/);
  await page.getByRole("button", { name: "Run verification" }).click();
  await expect(page.getByTestId("lifecycle-badge")).toHaveAttribute("data-state", /verifying|ready_for_bootstrap/);
  await expect(page.getByTestId("verify-passed")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("check-list").locator("[data-status=pass]")).toHaveCount(6);
  await screenshot(page, "wizard-3-verify-access-1280");

  await page.getByTestId("continue-link").click();
  await expect(page).toHaveURL(/\/bootstrap$/);
  await page.getByRole("button", { name: "Start bootstrap" }).click();
  await expect(page.getByTestId("bootstrap-run-state")).toHaveAttribute("data-state", /queued|running/);
  await expect(page.getByTestId("lifecycle-badge")).toHaveAttribute("data-state", "bootstrapping");

  // Steps advance on screen without a reload: the first has finished while the last has not.
  await expect(stepStatus(page, "create_platform")).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  await expect(stepStatus(page, "verify")).not.toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("run-log")).toContainText("Create platform: done");
  await screenshot(page, "wizard-4-bootstrap-running-1280");
  for (const key of ["provision_infra", "setup_repo", "deploy_services", "verify"]) {
    await expect(stepStatus(page, key)).toHaveAttribute("data-state", "succeeded", { timeout: 30_000 });
  }
  await expect(page.getByTestId("bootstrap-complete")).toBeVisible();
  await expect(page.getByTestId("run-log")).toContainText("Run succeeded");
  await screenshot(page, "wizard-4-bootstrap-1280");

  await page.getByTestId("continue-link").click();
  await expect(page).toHaveURL(/\/activate$/);
  await expect(page.getByTestId("activate-review")).toContainText(`https://git.example.test/onramp-sim/${slug}`);
  await screenshot(page, "wizard-5-activate-1280");
  await page.getByRole("button", { name: "Activate", exact: true }).click();
  await expect(page.getByTestId("activated")).toBeVisible();
  await expect(page.getByTestId("lifecycle-badge")).toHaveAttribute("data-state", "active");
  expect((await getSession(page.request, id)).lifecycleState).toBe("active");

  await page.getByRole("link", { name: "Onboardings" }).first().click();
  await expect(page.getByTestId("onboarding-table")).toContainText(slug);
});

test("an injected failure stops bootstrap; Resume continues it from the UI", async ({ page }) => {
  const slug = uniqueSlug("flaky");
  await page.goto("/onboarding/new");
  await page.getByLabel("Platform name").fill("Flaky Platform");
  await page.getByLabel("Slug").fill(slug);
  await page.getByText("Advanced: failure injection (simulated provider)").click();
  await page.getByLabel("Failing bootstrap step").selectOption("setup_repo");
  await page.getByLabel("Failing attempts").fill("1");
  await page.getByRole("button", { name: "Create onboarding" }).click();
  await expect(page).toHaveURL(/\/connect$/);
  const id = page.url().split("/").at(-2)!;

  await connectAndVerify(page.request, id);
  await page.goto(`/onboarding/${id}/bootstrap`);
  await page.getByRole("button", { name: "Start bootstrap" }).click();

  await expect(page.getByTestId("bootstrap-failed")).toBeVisible({ timeout: 30_000 });
  await expect(stepStatus(page, "setup_repo")).toHaveAttribute("data-state", "failed");
  await expect(page.getByTestId("step-error-setup_repo")).toContainText("simulated_failure");
  await expect(page.getByTestId("step-error-setup_repo")).toContainText("How to fix");
  await expect(stepStatus(page, "create_platform")).toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("lifecycle-badge")).toHaveAttribute("data-state", "bootstrap_failed");
  await screenshot(page, "wizard-4-bootstrap-failed-1280");

  // Refused actions say why beside the disabled button, in the server's words (session.actions).
  await page.goto(`/onboarding/${id}/activate`);
  const activate = page.getByRole("button", { name: "Activate", exact: true });
  await expect(activate).toBeDisabled();
  await expect(activate).toHaveAttribute("aria-describedby", "activate-why");
  await expect(page.getByTestId("activate-why")).toHaveText(
    "Bootstrap did not finish cleanly. Resume it, or activate with an override and a written reason.",
  );
  await expect(page.getByRole("button", { name: "Activate with override" })).toBeEnabled();
  await screenshot(page, "wizard-5-activate-refused-1280");
  await page.goto(`/onboarding/${id}/verify-access`);
  await expect(page.getByRole("button", { name: "Re-run verification" })).toBeDisabled();
  await expect(page.getByTestId("verify-blocked")).toHaveText(
    "Access was verified and bootstrap has started; verification cannot run again.",
  );
  await page.goto(`/onboarding/${id}/bootstrap`);

  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("bootstrap-complete")).toBeVisible({ timeout: 30_000 });
  await expect(stepStatus(page, "setup_repo")).toHaveAttribute("data-state", "succeeded");
  await expect(page.locator('[data-step="setup_repo"]')).toContainText("2 attempts");
  // Steps that had succeeded were not repeated.
  await expect(page.locator('[data-step="create_platform"]')).toContainText("1 attempt");
  expect((await getSession(page.request, id)).lifecycleState).toBe("ready_for_activation");

  // The run's own page: per-step timeline with attempts and the full log.
  await page.getByRole("link", { name: "Run details" }).click();
  await expect(page.getByTestId("run-state")).toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("run-timeline").locator('[data-step="setup_repo"]')).toContainText("Attempts2");
  await expect(page.getByTestId("run-log")).toContainText("simulated_failure");
  await expect(page.getByTestId("run-log")).toContainText("Resumed by owner@e2e.onramp.test");
  await screenshot(page, "run-detail-1280");

  // The audit trail says who did what, version by version.
  await page.goto(`/onboarding/${id}/audit`);
  const audit = page.getByTestId("audit-list");
  await expect(audit.locator('[data-action="run.bootstrap.resumed"]').first()).toContainText("owner@e2e.onramp.test");
  await expect(audit.locator('[data-action="onboarding.created"]')).toBeVisible();
  await screenshot(page, "audit-1280");
});

test("cancel asks for confirmation (Escape keeps the onboarding), then cancels", async ({ page }) => {
  const { id } = await createOnboarding(page.request, { platformName: "Short Lived", slug: uniqueSlug("short-lived") });
  await page.goto(`/onboarding/${id}`);
  await expect(page).toHaveURL(/\/connect$/);

  const open = page.getByRole("button", { name: "Cancel onboarding" });
  await open.click();
  const dialog = page.getByTestId("cancel-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Reason")).toBeFocused();
  // Focus stays inside the dialog.
  for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
  expect((await getSession(page.request, id)).status).toBe("pending");

  await open.click();
  await dialog.getByLabel("Reason").fill("Customer withdrew");
  await dialog.getByRole("button", { name: "Cancel onboarding" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("cancelled-banner")).toBeVisible();
  await expect(page.getByTestId("lifecycle-badge")).toHaveAttribute("data-state", "cancelled");
  await expect(page.getByRole("button", { name: "Cancel onboarding" })).toHaveCount(0);
  expect((await getSession(page.request, id)).status).toBe("cancelled");
});

test("after cancelling a failed bootstrap, created resources can be removed", async ({ page }) => {
  const slug = uniqueSlug("leftovers");
  const { id } = await createOnboarding(page.request, {
    platformName: "Leftovers",
    slug,
    simulation: { failStep: "deploy_services", failTimes: 0 },
  });
  await connectAndVerify(page.request, id);
  await page.goto(`/onboarding/${id}/bootstrap`);
  await page.getByRole("button", { name: "Start bootstrap" }).click();
  await expect(page.getByTestId("bootstrap-failed")).toBeVisible({ timeout: 30_000 });

  await page.getByRole("button", { name: "Cancel onboarding" }).click();
  await page.getByTestId("cancel-dialog").getByRole("button", { name: "Cancel onboarding" }).click();
  const banner = page.getByTestId("cancelled-banner");
  await expect(banner).toContainText("created resources");
  await banner.getByRole("button", { name: "Remove created resources" }).click();
  // The dialog shows the dry-run plan and wants the slug typed before it removes anything.
  const dialog = page.getByTestId("deprovision-dialog");
  await expect(dialog.getByTestId("deprovision-plan")).toBeVisible();
  await expect(dialog.getByTestId("plan-delete")).toContainText("Infrastructure");
  const confirm = dialog.getByRole("button", { name: "Remove resources" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/to confirm/).fill(slug);
  await confirm.click();
  await expect(banner).toContainText("Created resources were removed.", { timeout: 30_000 });
});

test("two tabs: the second save warns, writes nothing, and keeps the typed input", async ({ page }) => {
  const { id } = await createOnboarding(page.request, { platformName: "Two Tabs", slug: uniqueSlug("two-tabs") });
  const tabA = page;
  const tabB = await page.context().newPage();
  await tabA.goto(`/onboarding/${id}/identify`);
  await tabB.goto(`/onboarding/${id}/identify`);
  await expect(tabA.getByLabel("Platform name")).toHaveValue("Two Tabs");
  await expect(tabB.getByLabel("Platform name")).toHaveValue("Two Tabs");

  // Both start editing from the same version.
  await tabB.getByLabel("Platform name").fill("Edited in B");
  await tabA.getByLabel("Platform name").fill("Edited in A");
  await tabA.getByRole("button", { name: "Save details" }).click();
  await expect(tabA.getByTestId("save-state")).toContainText("All changes saved");

  // B hears of it at once (BroadcastChannel) and keeps its unsaved edit.
  await expect(tabB.getByTestId("stale-edits-banner")).toContainText("Changed in another tab");
  await expect(tabB.getByLabel("Platform name")).toHaveValue("Edited in B");

  await tabB.getByRole("button", { name: "Save details" }).click();
  const conflict = tabB.getByTestId("conflict-notice");
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText("Not saved");
  await expect(conflict.getByTestId("conflict-changes")).toContainText("Edited in A");
  await expect(conflict).toContainText("owner@e2e.onramp.test");
  await expect(tabB.getByLabel("Platform name")).toHaveValue("Edited in B");
  expect((await getSession(page.request, id)).platformName).toBe("Edited in A");
  await screenshot(tabB, "wizard-conflict-1280");

  // Review keeps B's edit and re-bases it on the new version; saving it then succeeds.
  await conflict.getByRole("button", { name: /Review/ }).click();
  await expect(tabB.getByTestId("review-notice")).toBeVisible();
  await expect(tabB.getByLabel("Platform name")).toHaveValue("Edited in B");
  await tabB.getByRole("button", { name: "Save details" }).click();
  await expect(tabB.getByTestId("save-state")).toContainText("All changes saved");
  expect((await getSession(page.request, id)).platformName).toBe("Edited in B");
  // …and tab A, with nothing unsaved, follows at once.
  await expect(tabA.getByLabel("Platform name")).toHaveValue("Edited in B");
});

test("the wizard at phone width", async ({ page, request }) => {
  const { id } = await createOnboarding(request, { platformName: "Pocket Platform", slug: uniqueSlug("pocket") });
  await connectAndVerify(request, id);
  const session = await getSession(request, id);
  await request.post(`/api/v1/onboarding/${id}/bootstrap`, { data: { version: session.version } });
  await expect
    .poll(async () => (await getSession(request, id)).lifecycleState, { timeout: 30_000 })
    .toBe("ready_for_activation");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/onboarding/${id}/bootstrap`);
  await expect(page.getByTestId("bootstrap-complete")).toBeVisible();
  await expect(page.getByTestId("run-log")).toContainText("Run succeeded");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "wizard-4-bootstrap-390");

  await page.goto("/");
  await expect(page.getByRole("link", { name: "Pocket Platform" })).toBeVisible();
  await screenshot(page, "dashboard-390");
});
