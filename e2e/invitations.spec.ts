// Invitations end to end: the owner invites an email in Settings → Members, the link is opened
// in a fresh browser (no cookies), the account is created, and the person lands signed in, in
// the workspace, with the invited role. A revoked link says so.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { env, screenshot, uniqueSlug } from "./helpers";

const PASSWORD = "a long enough password";

async function inviteFromSettings(page: Page, email: string, role: "Operator" | "Viewer"): Promise<string> {
  await page.goto("/settings/members");
  const form = page.getByRole("form", { name: "Invite member" });
  await form.getByLabel("Email", { exact: true }).fill(email);
  await form.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await form.getByRole("button", { name: "Send invitation" }).click();
  const secret = page.getByTestId("secret-once");
  await expect(secret).toContainText(`Invitation for ${email}`);
  const url = (await secret.getByTestId("secret-value").textContent()) ?? "";
  expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(secret.getByRole("button", { name: "Copy" })).toBeVisible();
  return url;
}

/** A browser with no cookies and no stored workspace: the invitee's own (not the owner's saved sign-in). */
const freshContext = (browser: Browser) =>
  browser.newContext({
    baseURL: env.baseURL,
    viewport: { width: 1280, height: 900 },
    storageState: { cookies: [], origins: [] },
  });

test("an invited operator creates an account from the link and lands signed in, in the workspace", async ({
  page,
  browser,
}) => {
  const owner = (await (await page.request.get("/api/v1/me")).json()) as {
    workspace: { id: string; slug: string; name: string };
  };
  const email = `${uniqueSlug("invitee")}@example.test`;
  const url = await inviteFromSettings(page, email, "Operator");

  const row = page.getByTestId("invitation").filter({ hasText: email });
  await expect(row).toContainText("Pending");
  await expect(row).toContainText("Operator");
  await screenshot(page, "settings-members-1280");
  await page.getByTestId("secret-once").getByRole("button", { name: "I have stored it" }).click();

  const context = await freshContext(browser);
  try {
    const invitee = await context.newPage();
    await invitee.goto(url);
    await expect(invitee.getByRole("heading", { name: `Join ${owner.workspace.name} on Onramp` })).toBeVisible();
    await expect(invitee.getByTestId("invite")).toContainText(email);
    await expect(invitee.getByTestId("invite")).toContainText("Operator");
    await invitee.getByLabel("Your name").fill("Ada Invitee");
    await invitee.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await invitee.getByLabel("Confirm password").fill(PASSWORD);
    await screenshot(invitee, "invite-1280");

    // Keyboard only: submit from the last field.
    await invitee.getByLabel("Confirm password").press("Enter");
    // Creating the account and signing in each cost an scrypt hash (N=2^17, ~0.5 s alone), and
    // the first dashboard render follows: on 2 busy cores that can outlast the default 15 s.
    await expect(invitee).toHaveURL((u) => u.pathname === "/", { timeout: 45_000 });
    await expect(invitee.getByTestId("header-email")).toHaveText(email);

    const me = await context.request.get("/api/v1/me");
    expect(me.status()).toBe(200);
    const body = (await me.json()) as {
      user: { email: string };
      workspace: { id: string };
      role: string;
      workspaces: { id: string; role: string }[];
    };
    expect(body.user.email).toBe(email);
    expect(body.workspace.id).toBe(owner.workspace.id);
    expect(body.role).toBe("operator");
    expect(body.workspaces).toEqual([expect.objectContaining({ id: owner.workspace.id, role: "operator" })]);

    // Single use: the same link now says it was used.
    await invitee.goto(url);
    await expect(invitee.getByTestId("invite").getByRole("alert")).toContainText("already been used");
  } finally {
    await context.close();
  }

  await page.reload();
  await expect(page.getByTestId("invitation").filter({ hasText: email })).toContainText("Accepted");
});

test("a revoked invitation shows its revoked state", async ({ page, browser }) => {
  const email = `${uniqueSlug("revoked")}@example.test`;
  const url = await inviteFromSettings(page, email, "Viewer");
  const row = page.getByTestId("invitation").filter({ hasText: email });
  await row.getByRole("button", { name: /Revoke/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke invitation" }).click();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  const context = await freshContext(browser);
  try {
    const invitee = await context.newPage();
    await invitee.goto(url);
    await expect(invitee.getByTestId("invite")).toHaveAttribute("data-state", "revoked");
    await expect(invitee.getByTestId("invite").getByRole("alert")).toContainText("This invitation was revoked");
    await expect(invitee.getByRole("button", { name: /Create account/ })).toHaveCount(0);
    await screenshot(invitee, "invite-revoked-1280");
  } finally {
    await context.close();
  }
});
