import { expect, test } from "@playwright/test";
import { OWNER_STATE, VIEWER_STATE } from "./auth-state";
import { connectAndVerify, createOnboarding, env, uniqueSlug } from "./helpers";

test.use({ storageState: VIEWER_STATE });

test("a viewer sees onboardings but no write actions", async ({ page, playwright }) => {
  const owner = await playwright.request.newContext({
    baseURL: env.baseURL,
    storageState: OWNER_STATE,
    extraHTTPHeaders: { origin: env.baseURL },
  });
  const { id } = await createOnboarding(owner, { platformName: "Read Only", slug: uniqueSlug("read-only") });
  await connectAndVerify(owner, id);
  await owner.dispose();

  await page.goto("/");
  await expect(page.getByTestId("header-role")).toHaveText("Viewer");
  await expect(page.getByRole("link", { name: "Read Only" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New onboarding" })).toHaveCount(0);

  await page.goto(`/onboarding/${id}/identify`);
  await expect(page.getByLabel("Platform name")).toBeDisabled();
  await expect(page.getByText("Your role (viewer) can view this onboarding but not edit it.")).toBeVisible();
  await expect(page.getByRole("button", { name: /Save/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel onboarding" })).toHaveCount(0);

  await page.goto(`/onboarding/${id}/connect`);
  await expect(page.getByRole("button", { name: /Save/ })).toHaveCount(0);

  await page.goto(`/onboarding/${id}/verify-access`);
  await expect(page.getByTestId("verify-passed")).toBeVisible();
  await expect(page.getByRole("button", { name: /verification/ })).toHaveCount(0);

  await page.goto(`/onboarding/${id}/bootstrap`);
  await expect(page.getByTestId("step-list")).toBeVisible();
  await expect(page.getByRole("button", { name: /Start bootstrap|Resume|Cancel run/ })).toHaveCount(0);

  // Nothing on any page of the wizard is a write action.
  const writeButtons = page.getByRole("button", {
    name: /Save|Run verification|Start bootstrap|Resume|Cancel|Activate|Remove/,
  });
  await expect(writeButtons).toHaveCount(0);

  await page.goto("/onboarding/new");
  await expect(page.getByText("You cannot create onboardings")).toBeVisible();

  await page.goto("/settings/members");
  await expect(page.getByRole("link", { name: "API tokens" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
});
