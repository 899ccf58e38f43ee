// Run health in the browser: a provider that rate-limits shows "Retrying — attempt n of m" in
// the wizard; a run no worker picks up shows "Stalled"; the run page draws the timeline.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { connectAndVerify, createOnboarding, getSession, screenshot, uniqueSlug } from "./helpers";

test("a transiently failing provider reads 'Retrying … attempt n of m', and the timeline draws every attempt", async ({ page }) => {
  const { id } = await createOnboarding(page.request, {
    platformName: "Rate Limited",
    slug: uniqueSlug("ratelimited"),
    // provision_infra is rate-limited twice, with a 12 s Retry-After: long enough to be seen between polls.
    simulation: { failStep: "provision_infra", failTimes: 2, retryAfterMs: 12_000 },
  });
  await connectAndVerify(page.request, id);
  await page.goto(`/onboarding/${id}/bootstrap`);
  await page.getByRole("button", { name: "Start bootstrap" }).click();

  const health = page.getByTestId("run-health");
  await expect(health).toContainText(/Retrying — attempt 2 of 4 in \d+ s: simulated provider rate limit/, { timeout: 20_000 });
  await expect(health).toContainText("retrying:simulated_rate_limited");
  await screenshot(page, "run-health-1-retrying-1280");
  await expect(health).toContainText(/Retrying — attempt 3 of 4/, { timeout: 30_000 });

  await expect.poll(async () => (await getSession(page.request, id)).lifecycleState, { timeout: 60_000 }).toBe("ready_for_activation");
  const runs = await (await page.request.get(`/api/v1/onboarding/${id}/runs`)).json();
  const bootstrap = (runs.items as { id: string; kind: string }[]).find((r) => r.kind === "bootstrap")!;
  await page.goto(`/runs/${bootstrap.id}`);

  const chart = page.getByTestId("run-waterfall");
  await expect(chart).toBeVisible();
  // One bar per attempt: five steps, provision_infra three times (two retried, with their backoffs).
  await expect(chart.locator("[data-outcome]")).toHaveCount(7);
  await expect(chart.locator("[data-step=provision_infra] [data-outcome=retrying]")).toHaveCount(2);
  await expect(chart.locator("[data-kind=backoff]")).toHaveCount(2);
  await expect(chart.locator("[data-step=provision_infra] [data-outcome=retrying] rect title").first()).toContainText(/attempt 1 .*failed, retried \(simulated_rate_limited\)/);
  const table = page.getByRole("table", { name: "Every attempt of every step, with exact times" });
  await expect(table.getByRole("row")).toHaveCount(8); // header + 7 attempts
  await expect(table.getByRole("row", { name: /Provision infrastructure 1/ })).toContainText("backoff 12 s");
  await screenshot(page, "run-health-3-timeline-1280");
});

test("a run no worker picks up reads 'Stalled — no progress for … s; no worker has picked this up'", async ({ page }) => {
  const { id } = await createOnboarding(page.request, { platformName: "Nobody Home", slug: uniqueSlug("stalled") });
  // A Verify Access run whose queue job never reached a worker (as when every worker is down):
  // queued 40 s ago, no lease, no job. Written straight into the app's database.
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const runId = `e2e-stalled-${Date.now()}`;
  try {
    const { rows } = await client.query<{ workspaceId: string }>(`SELECT "workspaceId" FROM "OnboardingSession" WHERE id = $1`, [id]);
    await client.query(
      `INSERT INTO "OperationRun" (id, "workspaceId", "sessionId", kind, status, "activeKey", health, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'verify_access', 'queued', $4, 'healthy', now() - interval '40 seconds', now())`,
      [runId, rows[0].workspaceId, id, `${id}:verify_access`],
    );
    await client.query(
      `INSERT INTO "OperationRunStep" (id, "runId", key, label, position) VALUES ($1, $2, 'check_infrastructure', 'Check infrastructure access', 0), ($3, $2, 'check_repository', 'Check repository access', 1)`,
      [`${runId}-0`, runId, `${runId}-1`],
    );
  } finally {
    await client.end();
  }

  await page.goto(`/onboarding/${id}/verify-access`);
  const health = page.getByTestId("run-health");
  await expect(health).toContainText(/Stalled — no progress for (4\d|5\d) s; no worker has picked this up/);
  await expect(health).toContainText("stalled:not_picked_up");
  await screenshot(page, "run-health-2-stalled-1280");

  // The dashboard's health filter lists it.
  await page.goto("/?health=stalled");
  await expect(page.getByRole("link", { name: "Nobody Home" }).first()).toBeVisible();
  await expect(page.getByTestId("run-health").filter({ hasText: "Stalled" }).first()).toBeVisible();

  // Clean up: cancelling a run no worker holds ends it at once.
  const session = await getSession(page.request, id);
  const cancel = await page.request.post(`/api/v1/operation-runs/${runId}/cancel`, { data: { version: session.version } });
  expect(cancel.ok(), await cancel.text()).toBeTruthy();
});
