import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";

export const env = {
  baseURL: process.env.E2E_BASE_URL ?? "",
  owner: { email: process.env.E2E_OWNER_EMAIL ?? "", password: process.env.E2E_OWNER_PASSWORD ?? "" },
  viewer: { email: process.env.E2E_VIEWER_EMAIL ?? "", password: process.env.E2E_VIEWER_PASSWORD ?? "" },
};

/** A slug no other test (or earlier run) uses. */
export const uniqueSlug = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => !url.pathname.startsWith("/sign-in"));
}

export interface CreatedSession {
  id: string;
  version: number;
}

/** Creates an onboarding through the API (with the page's or request's cookies). */
export async function createOnboarding(
  request: APIRequestContext,
  input: { platformName: string; slug: string; tier?: string; simulation?: Record<string, unknown> },
): Promise<CreatedSession> {
  const res = await request.post("/api/v1/onboarding", { data: { tier: "starter", ...input } });
  expect(res.status(), await res.text()).toBe(202);
  const body = (await res.json()) as { onboardingId: string; version: number };
  return { id: body.onboardingId, version: body.version };
}

export async function getSession(request: APIRequestContext, id: string) {
  const res = await request.get(`/api/v1/onboarding/${id}`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()) as {
    platformName: string;
    version: number;
    lifecycleState: string;
    currentCheckpoint: string;
    status: string;
  };
}

/** Drives an onboarding to "ready for bootstrap" through the API: connect (simulated) and verify. */
export async function connectAndVerify(request: APIRequestContext, id: string): Promise<void> {
  let session = await getSession(request, id);
  const patch = await request.patch(`/api/v1/onboarding/${id}`, {
    data: { version: session.version, connectionId: null },
  });
  expect(patch.ok(), await patch.text()).toBeTruthy();
  session = await getSession(request, id);
  const start = await request.post(`/api/v1/onboarding/${id}/verify-access`, { data: { version: session.version } });
  expect(start.status(), await start.text()).toBe(202);
  await expect
    .poll(async () => (await getSession(request, id)).lifecycleState, { timeout: 30_000 })
    .toBe("ready_for_bootstrap");
}

/** `fullPage: false` for a modal: a full-page picture draws its backdrop over the first screen only. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  // Let polling spinners and entrance animations settle so the picture is stable.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({
    path: `e2e/screenshots/${name}.png`,
    fullPage: opts.fullPage ?? true,
    animations: "disabled",
    caret: "hide",
  });
}

const FRESH_PASSWORD = "a long enough password for e2e";

/**
 * A new operator of the owner's workspace (invited and accepted through the API), signed in in
 * its own browser context: its bell counts only its own runs, whatever other tests do.
 */
export async function freshOperator(
  ownerPage: Page,
  browser: Browser,
  prefix = "operator",
): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const email = `${uniqueSlug(prefix)}@example.test`;
  const invited = await ownerPage.request.post("/api/v1/invitations", { data: { email, role: "operator" } });
  expect(invited.status(), await invited.text()).toBe(201);
  const token = ((await invited.json()) as { inviteUrl: string }).inviteUrl.split("/").at(-1)!;
  const context = await browser.newContext({
    baseURL: env.baseURL,
    viewport: { width: 1280, height: 900 },
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { origin: env.baseURL },
  });
  const accepted = await context.request.post("/api/v1/invitations/accept", {
    data: { token, password: FRESH_PASSWORD, name: "Otto Operator" },
  });
  expect(accepted.ok(), await accepted.text()).toBeTruthy();
  const page = await context.newPage();
  await signIn(page, { email, password: FRESH_PASSWORD });
  return { context, page, email };
}
