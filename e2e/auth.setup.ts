import { test as setup } from "@playwright/test";
import { OWNER_STATE, VIEWER_STATE } from "./auth-state";
import { env, signIn } from "./helpers";

setup("sign in as the owner", async ({ page }) => {
  await signIn(page, env.owner);
  await page.context().storageState({ path: OWNER_STATE });
});

setup("sign in as the viewer", async ({ page }) => {
  await signIn(page, env.viewer);
  await page.context().storageState({ path: VIEWER_STATE });
});
