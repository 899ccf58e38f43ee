import { expect, test, type Page, type Response, type Route } from "@playwright/test";
import { connectAndVerify, createOnboarding, freshOperator, getSession, screenshot, uniqueSlug } from "./helpers";

// While a checkpoint is active a wizard tab makes one conditional request per 5 s (the watch),
// answered 304 while nothing changed; another tab's save still reaches it at once.

/**
 * An onboarding whose bootstrap is running, each simulated step taking `stepDelayMs` (under the
 * 15 s step budget: a slower step would time out and retry). Starts once the verification's
 * notification has arrived, so that only the bootstrap changes what the tab shows.
 */
async function runningBootstrap(page: Page, name: string, stepDelayMs: number): Promise<string> {
  const { id } = await createOnboarding(page.request, {
    platformName: name,
    slug: uniqueSlug("poll"),
    simulation: { stepDelayMs },
  });
  await connectAndVerify(page.request, id);
  await expect
    .poll(
      async () => {
        const res = await page.request.get("/api/v1/notifications?limit=10");
        const body = (await res.json()) as { items: { title: string }[] };
        return body.items.some((n) => n.title.includes(name));
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const started = await page.request.post(`/api/v1/onboarding/${id}/bootstrap`, {
    data: { version: (await getSession(page.request, id)).version },
  });
  expect(started.status(), await started.text()).toBe(202);
  return id;
}

const stepsDone = (page: Page) => page.locator('[data-testid="step-list"] li[data-status="succeeded"]').count();

test("a tab watching a slow bootstrap for 30 s makes at most 7 API requests, most of them 304", async ({
  page: ownerPage,
  browser,
}) => {
  test.setTimeout(150_000);
  // A fresh operator: other tests' runs end with notifications to the owner, which would
  // (rightly) refresh the owner's bell in the middle of the window.
  const { context, page } = await freshOperator(ownerPage, browser, "watcher");
  const id = await runningBootstrap(page, "Watched Cloud", 14_000);
  await page.goto(`/onboarding/${id}/bootstrap`);
  // Start right after a step finished (the record and the infrastructure are done): in the next
  // 30 s two more steps finish, so two of the six ticks bring news and the others answer 304.
  await expect.poll(() => stepsDone(page), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
  await page.waitForLoadState("networkidle");
  const doneBefore = await stepsDone(page);

  const api: { url: string; status: number; conditional: boolean }[] = [];
  const onResponse = (res: Response) => {
    if (!new URL(res.url()).pathname.startsWith("/api/")) return;
    api.push({ url: res.url(), status: res.status(), conditional: !!res.request().headers()["if-none-match"] });
  };
  page.on("response", onResponse);
  await page.waitForTimeout(30_000);
  page.off("response", onResponse);

  const summary = JSON.stringify(api, null, 1);
  expect(api.length, summary).toBeLessThanOrEqual(7);
  expect(api.length, `it kept polling: ${summary}`).toBeGreaterThanOrEqual(5);
  expect(
    api.every((r) => new URL(r.url).pathname === `/api/v1/onboarding/${id}/watch` && r.conditional),
    summary,
  ).toBe(true);
  expect(api.filter((r) => r.status === 304).length, summary).toBeGreaterThan(api.length / 2);
  // …and the screen followed the run: steps finished while the tab watched.
  expect(await stepsDone(page)).toBeGreaterThan(doneBefore);
  await screenshot(page, "polling-watch-1280");
  await context.close();
});

test("a second tab still updates at once when the first one saves", async ({ page }) => {
  test.setTimeout(120_000);
  const id = await runningBootstrap(page, "Two Watchers", 13_000);
  const tabA = page;
  const tabB = await page.context().newPage();
  await tabA.goto(`/onboarding/${id}/bootstrap`);
  await tabB.goto(`/onboarding/${id}/bootstrap`);
  const cancel = tabA.getByRole("button", { name: "Cancel run" });
  await expect(cancel).toBeEnabled();
  await expect(tabB.getByRole("button", { name: "Cancel run" })).toBeEnabled();
  // Tab B hears of tab A's save from the broadcast, not from its own poll: from its next poll on,
  // tab B's watch requests are held unanswered (so its polling can bring no news and starts no
  // other request), and tab B must still ask for the session or its runs once tab A's cancel is
  // answered. Judged on the network, so a starved CI machine's slow paint cannot fail it.
  const base = `/api/v1/onboarding/${id}`;
  let hold = false;
  const held: Route[] = [];
  await tabB.route(
    (url) => url.pathname === `${base}/watch`,
    (route) => (hold ? void held.push(route) : route.continue()),
  );
  let cancelAnswered = false;
  tabA.on("response", (res) => {
    if (res.url().includes("/cancel") && res.request().method() === "POST") cancelAnswered = true;
  });
  const asked = new Promise<string>((resolve) =>
    tabB.on("request", (req) => {
      const path = new URL(req.url()).pathname;
      if (cancelAnswered && req.method() === "GET" && (path === base || path === `${base}/runs`)) resolve(path);
    }),
  );
  hold = true;
  await tabB.waitForRequest((req) => new URL(req.url()).pathname === `${base}/watch`);
  await cancel.click();
  const path = await Promise.race([asked, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
  expect(path, "tab B asked for the news without its poll").not.toBeNull();
  hold = false;
  for (const route of held.splice(0)) await route.continue().catch(() => undefined);
  // …and shows it (in the page's main region: the bell's closed list may hold the run's end too).
  await expect(
    tabB
      .getByRole("main")
      .getByText(/Cancellation requested|Bootstrap was cancelled/)
      .first(),
  ).toBeVisible({ timeout: 10_000 });
  await screenshot(tabB, "polling-second-tab-1280");
});
