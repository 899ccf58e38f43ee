// End-to-end tests in Debian's Chromium. `npm run test:e2e` (scripts/e2e.ts) starts the app on
// a fresh database and passes E2E_BASE_URL and the test users' credentials in the environment.
import { defineConfig, devices } from "@playwright/test";
import { OWNER_STATE } from "./e2e/auth-state";

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL && !process.env.PLAYWRIGHT_LIST_ONLY) {
  throw new Error("E2E_BASE_URL is not set. Run the end-to-end tests with `npm run test:e2e`.");
}

const chromium = {
  ...devices["Desktop Chrome"],
  viewport: { width: 1280, height: 900 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 3,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Cookie-authenticated writes must be same-origin; the API request fixture says so.
    extraHTTPHeaders: baseURL ? { origin: baseURL } : {},
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: chromium },
    {
      name: "api",
      testMatch: /api\.spec\.ts/,
      dependencies: ["setup"],
      use: { ...chromium, storageState: OWNER_STATE },
    },
    {
      name: "chromium",
      testMatch: /\.spec\.ts/,
      testIgnore: /api\.spec\.ts/,
      dependencies: ["setup"],
      use: { ...chromium, storageState: OWNER_STATE },
    },
  ],
});
