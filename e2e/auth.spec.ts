import { expect, test } from "@playwright/test";
import { env } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

test("a signed-out visitor is sent to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in to your workspace" })).toBeVisible();
});

test("wrong credentials show an error and stay on the sign-in page", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(env.owner.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

// Sign-out from the header: e2e/session.spec.ts (with a user of its own, since sign-out ends
// every session of the user and the owner's saved sign-in is shared by the other specs).
