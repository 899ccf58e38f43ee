// Run health in the browser: a provider that rate-limits shows "Retrying — attempt n of m" in
// the wizard; a run no worker picks up shows "Stalled"; the run page draws the timeline.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { connectAndVerify, createOnboarding, getSession, screenshot, uniqueSlug } from "./helpers";

test("a transiently failing provider reads 'Retrying … attempt n of m', and the timeline draws every attempt", async ({
  page,
}) => {
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
  await expect(health).toContainText(/Retrying — attempt 2 of 4 in \d+ s: simulated provider rate limit/, {
    timeout: 20_000,
  });
  await expect(health).toContainText("retrying:simulated_rate_limited");
  await screenshot(page, "run-health-1-retrying-1280");
  await expect(health).toContainText(/Retrying — attempt 3 of 4/, { timeout: 30_000 });

  await expect
    .poll(async () => (await getSession(page.request, id)).lifecycleState, { timeout: 60_000 })
    .toBe("ready_for_activation");
  const runs = await (await page.request.get(`/api/v1/onboarding/${id}/runs`)).json();
  const bootstrap = (runs.items as { id: string; kind: string }[]).find((r) => r.kind === "bootstrap")!;
  await page.goto(`/runs/${bootstrap.id}`);

  const chart = page.getByTestId("run-waterfall");
  await expect(chart).toBeVisible();
  // One bar per attempt: five steps, provision_infra three times (two retried, with their backoffs).
  await expect(chart.locator("[data-outcome]")).toHaveCount(7);
  await expect(chart.locator("[data-step=provision_infra] [data-outcome=retrying]")).toHaveCount(2);
  await expect(chart.locator("[data-kind=backoff]")).toHaveCount(2);
  await expect(chart.locator("[data-step=provision_infra] [data-outcome=retrying] rect title").first()).toContainText(
    /attempt 1 .*failed, retried \(simulated_rate_limited\)/,
  );
  const table = page.getByRole("table", { name: "Every attempt of every step, with exact times" });
  await expect(table.getByRole("row")).toHaveCount(8); // header + 7 attempts
  await expect(table.getByRole("row", { name: /Provision infrastructure 1/ })).toContainText("backoff 12 s");
  await screenshot(page, "run-health-3-timeline-1280");
});

test("a run no worker picks up reads 'Stalled — no progress for … s; no worker has picked this up'", async ({
  page,
}) => {
  const { id } = await createOnboarding(page.request, { platformName: "Nobody Home", slug: uniqueSlug("stalled") });
  await connectAndVerify(page.request, id);
  // From now on no worker gets this onboarding's runs: its queue jobs are held back an hour (a
  // trigger on pg-boss' job table, scoped to this session), as if every worker were stopped.
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const trigger = `e2e_hold_${id.replace(/[^a-z0-9]/gi, "")}`.slice(0, 60);
  await client.query(`
    create or replace function pgboss.${trigger}() returns trigger language plpgsql as $$
    begin
      if new.name = 'operation-run' and exists (select 1 from public."OperationRun" r where r.id = new.data->>'runId' and r."sessionId" = '${id}') then
        new.start_after := now() + interval '1 hour';
      end if;
      return new;
    end $$;
    create trigger ${trigger} before insert on pgboss.job for each row execute function pgboss.${trigger}();`);
  try {
    await page.goto(`/onboarding/${id}/bootstrap`);
    await page.getByRole("button", { name: "Start bootstrap" }).click();
    await expect(page.getByTestId("bootstrap-run-state")).toHaveAttribute("data-state", "queued");
    const health = page.getByTestId("run-health");
    // Stalled after RUN_STALL_AFTER_MS (15 s) without progress; the wizard polls every 5 s.
    await expect(health).toContainText(/Stalled — no progress for \d+ s; no worker has picked this up/, {
      timeout: 30_000,
    });
    await expect(health).toContainText("stalled:not_picked_up");
    await screenshot(page, "run-health-2-stalled-1280");

    // The dashboard's health filter lists it, with the same words.
    await page.goto("/?health=stalled");
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Nobody Home" }) });
    await expect(row.getByTestId("run-health")).toContainText("Stalled — no progress for");
  } finally {
    await client.query(`drop trigger if exists ${trigger} on pgboss.job; drop function if exists pgboss.${trigger}()`);
    await client.end();
  }
  // Clean up: a run no worker holds is cancelled at once.
  const session = await getSession(page.request, id);
  const runs = await (await page.request.get(`/api/v1/onboarding/${id}/runs`)).json();
  const run = (runs.items as { id: string; kind: string; status: string }[]).find((r) => r.kind === "bootstrap")!;
  const cancel = await page.request.post(`/api/v1/operation-runs/${run.id}/cancel`, {
    data: { version: session.version },
  });
  expect(cancel.ok(), await cancel.text()).toBeTruthy();
});
