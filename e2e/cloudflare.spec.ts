// An operator onboards a platform onto Cloudflare (a local fake of its API, started in this
// process on loopback; the e2e app runs with the address guard off) and undoes it: Settings →
// Connections, Connect, Verify Access, Bootstrap, the resources on Activate, then cancel and
// deprovision with the dry-run plan and the slug typed to confirm.
import { expect, test } from "@playwright/test";
import { DEMO_SEED, seedDemo, startFakeCloudflare, type FakeCloudflare } from "../test/fake-cloudflare/server";
import { createOnboarding, screenshot, uniqueSlug } from "./helpers";

interface FakeState {
  accounts: {
    id: string;
    databases: { name: string }[];
    scripts: { id: string; secrets: string[] }[];
    projects: { name: string }[];
  }[];
}

let cf: FakeCloudflare;

test.beforeAll(async () => {
  cf = await startFakeCloudflare({ host: "127.0.0.1", port: 0 });
  seedDemo(cf);
});

test.afterAll(async () => {
  await cf?.close();
});

/** What exists in the fake's demo account under this platform's names (via its admin endpoint). */
async function namesFor(slug: string) {
  const res = await fetch(`${cf.origin}/_fake/state`);
  expect(res.ok).toBeTruthy();
  const state = (await res.json()) as FakeState;
  const account = state.accounts.find((a) => a.id === DEMO_SEED.accountId)!;
  const ours = (name: string) => name.includes(slug);
  return {
    databases: account.databases.map((d) => d.name).filter(ours),
    scripts: account.scripts.map((s) => s.id).filter(ours),
    projects: account.projects.map((p) => p.name).filter(ours),
  };
}

test("Cloudflare: connect, verify, bootstrap, see the resources, deprovision with the plan and the typed slug", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const slug = uniqueSlug("cf-edge");
  const connectionName = `E2E Cloudflare ${slug}`;

  // Settings → Connections: add the Cloudflare connection pointing at the fake.
  await page.goto("/settings/connections");
  await page.getByRole("radio", { name: "Cloudflare (infrastructure)" }).check();
  await page.getByLabel("Name").fill(connectionName);
  await page.getByLabel("Account ID").fill(DEMO_SEED.accountId);
  await page.getByLabel("API base URL").fill(cf.url);
  await page.getByLabel("Token").fill(DEMO_SEED.tokens.full);
  await page.getByRole("button", { name: "Add connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connection added." })).toBeVisible();
  const row = page.getByTestId("connection").filter({ hasText: connectionName });
  await expect(row).toContainText("Cloudflare");
  await expect(row).toContainText(`account ${DEMO_SEED.accountId}`);
  await expect(row).toContainText("Token stored (encrypted)");
  await expect(page.getByText(DEMO_SEED.tokens.full)).toHaveCount(0);
  await screenshot(page, "cloudflare-1-connections-1280");

  // Connect: the simulated repository, the Cloudflare connection for infrastructure.
  const { id } = await createOnboarding(page.request, { platformName: "Edge Platform", slug });
  await page.goto(`/onboarding/${id}/connect`);
  const repository = page.getByRole("group", { name: "Repository" });
  const infrastructure = page.getByRole("group", { name: "Infrastructure" });
  await expect(repository.getByRole("radio", { name: /Simulated \(built-in\)/ })).toBeChecked();
  await infrastructure.getByRole("radio", { name: new RegExp(connectionName) }).check();
  await expect(infrastructure.getByRole("radio", { name: new RegExp(connectionName) })).toBeChecked();
  await screenshot(page, "cloudflare-2-connect-1280");
  await page.getByRole("button", { name: "Save and continue" }).click();

  // Verify Access against the fake: every check passes.
  await expect(page).toHaveURL(/\/verify-access$/);
  await page.getByRole("button", { name: "Run verification" }).click();
  await expect(page.getByTestId("verify-passed")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("check-list").locator("[data-status=fail]")).toHaveCount(0);
  await expect(page.getByTestId("check-list")).toContainText("D1");

  // Bootstrap: all five steps, Cloudflare provisioning included.
  await page.getByTestId("continue-link").click();
  await expect(page).toHaveURL(/\/bootstrap$/);
  await page.getByRole("button", { name: "Start bootstrap" }).click();
  await expect(page.getByTestId("bootstrap-complete")).toBeVisible({ timeout: 120_000 });

  // Activate step: the ledger, with console links that open in a new tab.
  await page.getByTestId("continue-link").click();
  await expect(page).toHaveURL(/\/activate$/);
  const resources = page.getByTestId("resource-list");
  for (const type of ["d1_database", "worker_script", "worker_secret", "pages_project"]) {
    await expect(resources.locator(`[data-type=${type}][data-state=live]`).first()).toBeVisible();
  }
  await expect(resources).toContainText("D1 database");
  await expect(resources).toContainText(`onramp-${slug}-auth`);
  await expect(resources).toContainText("Provision infrastructure");
  const d1Link = resources.locator("[data-type=d1_database]").getByTestId("console-link");
  await expect(d1Link).toHaveAttribute(
    "href",
    new RegExp(`^https://dash\\.cloudflare\\.com/${DEMO_SEED.accountId}/workers/d1/databases/`),
  );
  await expect(d1Link).toHaveAttribute("target", "_blank");
  await expect(d1Link).toHaveAttribute("rel", "noopener noreferrer");
  const before = await namesFor(slug);
  expect(before.databases).toHaveLength(1);
  expect(before.scripts).toHaveLength(1);
  expect(before.projects).toHaveLength(1);
  const recorded = await resources.getByTestId("resource-row").count();
  await screenshot(page, "cloudflare-3-resources-1280");

  // The platform page shows the same ledger under its row.
  await page.goto("/platforms");
  const platform = page.getByTestId("platform-row").filter({ hasText: slug });
  await platform.getByRole("button", { name: /Resources/ }).click();
  const ledger = page.getByTestId("resource-list");
  await expect(ledger.getByTestId("resource-row")).toHaveCount(recorded);
  await expect(ledger.locator("[data-type=pages_project]").getByTestId("console-link")).toHaveAttribute(
    "target",
    "_blank",
  );
  await screenshot(page, "cloudflare-5-platform-resources-1280");
  await page.goto(`/onboarding/${id}/activate`);

  // Deprovision needs the onboarding cancelled first (the server says so in actions.deprovision).
  await page.getByRole("button", { name: "Cancel onboarding" }).click();
  await page.getByTestId("cancel-dialog").getByRole("button", { name: "Cancel onboarding" }).click();
  const banner = page.getByTestId("cancelled-banner");
  await banner.getByRole("button", { name: "Remove created resources" }).click();

  // The dialog shows the dry-run plan; confirming needs the slug typed exactly.
  const dialog = page.getByTestId("deprovision-dialog");
  const plan = dialog.getByTestId("plan-delete");
  await expect(plan).toBeVisible();
  await expect(plan).toContainText("Pages project");
  await expect(plan).toContainText("D1 database");
  // Reverse creation order: the D1 database (created first) is deleted last.
  await expect(plan.getByTestId("plan-item").last()).toContainText("D1 database");
  const confirm = dialog.getByRole("button", { name: "Remove resources" });
  await expect(confirm).toBeDisabled();
  const typed = dialog.getByLabel(/to confirm/);
  await typed.fill(slug.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await typed.fill(slug.toUpperCase());
  await expect(confirm).toBeDisabled();
  await typed.fill(slug);
  await expect(confirm).toBeEnabled();
  // The dry run deleted nothing.
  expect(await namesFor(slug)).toEqual(before);
  await screenshot(page, "cloudflare-4-deprovision-dialog-1280", { fullPage: false });
  await confirm.click();
  await expect(dialog).toBeHidden();

  await expect(banner).toContainText("Created resources were removed.", { timeout: 90_000 });
  await expect(resources.locator("[data-state=live]")).toHaveCount(0);
  await expect(resources.locator("[data-type=d1_database][data-state=deleted]")).toBeVisible();
  await screenshot(page, "cloudflare-6-deprovisioned-1280");
  expect(await namesFor(slug)).toEqual({ databases: [], scripts: [], projects: [] });

  // The platform is retired (a deprovisioned platform is no longer linked to its onboarding).
  await page.goto("/platforms");
  await expect(page.getByTestId("platform-row").filter({ hasText: slug })).toContainText("Deprovisioned");
});
