// The app refuses to be framed by another origin (clickjacking of a signed-in page), sends its
// security headers on pages and API responses, and works under its own CSP (no violation).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { env } from "./helpers";
import { API_CSP, AUTH_CSP } from "../lib/http/security-headers";

let attacker: Server;
let attackerUrl = "";

test.beforeAll(async () => {
  // Another origin on the same host (same site, so the session cookie would be sent).
  attacker = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>attacker</title>
      <p>Win a prize: click the button below.</p>
      <iframe id="victim" src="${env.baseURL}/settings/tokens" width="1000" height="700" onload="document.body.dataset.loaded='1'"></iframe>`);
  });
  await new Promise<void>((r) => attacker.listen(0, "localhost", r));
  attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise((r) => attacker.close(r));
});

test("a signed-in page does not render inside a cross-origin iframe", async ({ page }) => {
  // The same page at the top level renders for this (signed-in) browser: the check is not vacuous.
  await page.goto("/settings/tokens");
  await expect(page.getByRole("button", { name: "Create token" })).toBeVisible();

  await page.goto(attackerUrl);
  await expect(page.locator("body")).toHaveAttribute("data-loaded", "1");
  const frame = await (await page.locator("#victim").elementHandle())!.contentFrame();
  expect(frame).not.toBeNull();
  // Chromium replaces a refused frame with its error page; nothing of ours is in it.
  expect(frame!.url()).not.toContain("/settings/tokens");
  await expect(frame!.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expect(frame!.getByText("API tokens")).toHaveCount(0);
});

test("pages carry a per-request CSP nonce and the security headers", async ({ page }) => {
  const first = await page.request.get("/settings/tokens");
  const second = await page.request.get("/settings/tokens");
  expect(first.status()).toBe(200);
  const headers = first.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(second.headers()["content-security-policy"]).not.toContain(nonce);
  // Next.js stamped its scripts with this request's nonce.
  expect(await first.text()).toContain(`nonce="${nonce}"`);
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // Served over plain http here: no HSTS (a browser would ignore it, and it must not stick to localhost).
  expect(headers["strict-transport-security"]).toBeUndefined();

  // The app works under that policy: no violation while pages load and hydrate.
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) violations.push(m.text());
  });
  for (const path of ["/", "/settings/tokens", "/settings/webhooks", "/api-docs"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill("csp-check");
  await expect(page.getByRole("button", { name: "Create token" })).toBeEnabled();
  expect(violations).toEqual([]);
});

test("API responses carry the security headers and a request id", async ({ page }) => {
  const request = page.request;
  const res = await request.get("/api/v1/me", { headers: { "x-request-id": "e2e-headers-1" } });
  expect(res.status()).toBe(200);
  const headers = res.headers();
  // Exactly once (Playwright joins repeated headers): next.config.ts sets it, the proxy does not run.
  expect(headers["content-security-policy"]).toBe(API_CSP);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-request-id"]).toBe("e2e-headers-1");

  const problem = await request.get("/api/v1/onboarding/does-not-exist", { headers: { "x-request-id": "bad id!" } });
  expect(problem.status()).toBe(404);
  expect(problem.headers()["x-frame-options"]).toBe("DENY");
  expect(problem.headers()["content-security-policy"]).toContain("default-src 'none'");
  // The API's headers come from next.config.ts (proxy.ts skips the API); next-auth's from proxy.ts.
  const auth = await request.get("/api/auth/session");
  expect(auth.headers()["content-security-policy"]).toBe(AUTH_CSP);
  expect(auth.headers()["x-frame-options"]).toBe("DENY");
  expect(problem.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

test("a signed-in visit to the sign-in page with a hostile callbackUrl lands on our home page", async ({ page }) => {
  for (const callbackUrl of [
    "/%0a/evil.example/",
    "/%09/evil.example/",
    "//evil.example/",
    "/%5cevil.example",
    "https://evil.example/",
  ]) {
    const res = await page.goto(`/sign-in?callbackUrl=${callbackUrl}`);
    expect(res?.status(), callbackUrl).toBeLessThan(500);
    const url = new URL(page.url());
    expect(url.origin, callbackUrl).toBe(new URL(env.baseURL).origin);
    expect(url.pathname, callbackUrl).toBe("/");
  }
});
