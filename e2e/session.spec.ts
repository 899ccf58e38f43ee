// Sign-out ends the session for real: the cookie it leaves behind in any copy no longer works.
// A user of its own: sign-out ends every session of the user, and the shared owner's saved
// sign-in is used by the other specs in parallel.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

/** An owner in the e2e workspace, created the way operators bootstrap one (the admin CLI). */
function createOwner(): { email: string; password: string } {
  const who = {
    email: `session-${randomBytes(4).toString("hex")}@e2e.onramp.test`,
    password: `pw-${randomBytes(9).toString("base64url")}`,
  };
  const res = spawnSync(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/admin.ts",
      "user",
      "create",
      "--email",
      who.email,
      "--password",
      who.password,
      "--workspace",
      "e2e",
      "--role",
      "owner",
    ],
    { encoding: "utf8", env: process.env, timeout: 60_000 },
  );
  if (res.status !== 0) throw new Error(`admin user create failed: ${res.stderr}`);
  return who;
}

test("after sign-out from the header, the old session cookie gets 401 from the API and the sign-in page from the app", async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  const who = createOwner();
  await signIn(page, who);
  await expect(page.getByRole("heading", { name: "Onboardings" })).toBeVisible();
  await expect(page.getByTestId("header-role")).toHaveText("Owner");

  const cookie = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(cookie, "session cookie after sign-in").toBeTruthy();
  // The kept cookie, replayed from outside the browser.
  const replay = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { cookie: `${cookie!.name}=${cookie!.value}` },
  });
  const before = await replay.get("/api/v1/me");
  expect(before.status()).toBe(200);
  expect((await before.json()).user.email).toBe(who.email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const after = await replay.get("/api/v1/me");
  expect(after.status()).toBe(401);
  expect((await after.json()).code).toBe("unauthenticated");

  // A browser that still holds the cookie is sent to sign in (and not bounced back and forth).
  const kept = await browser.newContext({ storageState: { cookies: [cookie!], origins: [] } });
  const keptPage = await kept.newPage();
  await keptPage.goto("/settings/tokens");
  await expect(keptPage).toHaveURL(/\/sign-in/);
  await expect(keptPage.getByRole("heading", { name: "Sign in to your workspace" })).toBeVisible();
  await kept.close();
  await replay.dispose();

  // Signing in again works and gives a working session.
  await signIn(page, who);
  expect((await page.request.get("/api/v1/me")).status()).toBe(200);
});
