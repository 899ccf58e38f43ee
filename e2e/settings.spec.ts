import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { screenshot, uniqueSlug } from "./helpers";

test("an API token is shown once, can be copied, and can be revoked", async ({ page }) => {
  const name = uniqueSlug("ci-deploys");
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByTestId("secret-once");
  await expect(secret).toBeVisible();
  const token = (await secret.getByTestId("secret-value").textContent()) ?? "";
  expect(token).toMatch(/^onr_/);
  await expect(secret.getByRole("button", { name: "Copy" })).toBeVisible();
  await screenshot(page, "settings-tokens-1280");
  await secret.getByRole("button", { name: "I have stored it" }).click();
  await expect(secret).toBeHidden();
  await expect(page.getByText(token)).toHaveCount(0);

  // The token works for the API, until it is revoked.
  const me = await page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.ok()).toBeTruthy();
  const row = page.getByTestId("token-list").getByRole("listitem").filter({ hasText: name });
  await row.getByRole("button", { name: /Revoke/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("Revoked");
  const after = await page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});

test("a token created while the token list is still loading shows up in the list", async ({ page }) => {
  // The list's first answer is read before the token exists and held until the token is created:
  // the page must fetch the list again rather than settle for that answer.
  const name = uniqueSlug("slow-list");
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let gets = 0;
  await page.route("**/api/v1/tokens", async (route) => {
    if (route.request().method() !== "GET" || gets++ > 0) return route.continue();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response }).catch(() => undefined); // the page may have given up on it
  });
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByTestId("secret-once");
  await expect(secret).toBeVisible();
  release();
  await secret.getByRole("button", { name: "I have stored it" }).click();
  await expect(page.getByTestId("token-list").getByRole("listitem").filter({ hasText: name })).toBeVisible();
});

test.describe("webhooks", () => {
  let server: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  test.beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("a webhook's secret is shown once; a test delivery arrives signed and is logged", async ({ page }) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/${uniqueSlug("w")}`;
    await page.goto("/settings/webhooks");
    await page.getByLabel("URL").fill(url);
    await page.getByLabel("Description").fill("E2E receiver");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.getByTestId("secret-value")).toHaveText(/^whsec_/);
    await page.getByRole("button", { name: "I have stored it" }).click();

    const endpoint = page.getByTestId("webhook-endpoint").filter({ hasText: url });
    await endpoint.getByRole("button", { name: "Send test" }).click();
    await expect(endpoint.getByTestId("delivery-list")).toBeVisible();
    await expect(endpoint.getByTestId("delivery-list")).toContainText("Delivered", { timeout: 30_000 });
    const delivery = received.find((r) => r.body.includes("ping") || r.body.length > 0);
    expect(delivery?.headers["onramp-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]+$/);

    await endpoint.getByRole("button", { name: "Redeliver" }).first().click();
    await expect(endpoint.getByTestId("delivery-list").getByRole("row")).toHaveCount(3, { timeout: 30_000 });
    await screenshot(page, "settings-webhooks-1280");
  });
});

test("a GitHub connection's token is stored but never shown back", async ({ page }) => {
  const name = uniqueSlug("acme-github");
  const secret = `ghp_${uniqueSlug("secret")}`;
  await page.goto("/settings/connections");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Organisation").fill("acme-platforms");
  await page.getByLabel("Template owner").fill("acme");
  await page.getByLabel("Template repository").fill("stack-starter");
  await page.getByLabel("Token").fill(secret);
  await page.getByRole("button", { name: "Add connection" }).click();
  const row = page.getByTestId("connection").filter({ hasText: name });
  await expect(row).toContainText("Token stored (encrypted)");
  await expect(row).toContainText("org acme-platforms · template acme/stack-starter");
  expect(await page.content()).not.toContain(secret);
  const listed = await page.request.get("/api/v1/connections");
  expect(await listed.text()).not.toContain(secret);

  await row.getByRole("button", { name: /Edit/ }).click();
  await expect(row.getByLabel("Token")).toHaveValue("");
  await screenshot(page, "settings-connections-1280");
});
