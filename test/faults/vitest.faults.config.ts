// `npm run test:faults`: the fault and abuse suite (test/faults/*.fault.ts) against a real
// PostgreSQL and real worker processes. Reuses the integration project's global setup (a
// migrated scratch database on the shared embedded server) and setup file; each fault file
// additionally works in its own database (see harness.ts), so a file's workers never run
// another file's jobs — which is what lets two files run at once (most of the suite's time is
// spent waiting for leases to go stale and queue jobs to expire). The load scenario runs
// alone, after the others: on two cores it would otherwise starve them into timeouts.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LOAD = "test/faults/04-concurrent-onboardings.fault.ts";

export default defineConfig({
  root,
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": path.join(root, "test/empty-module.ts") },
  },
  test: {
    environment: "node",
    globalSetup: ["test/integration/global-setup.ts"],
    setupFiles: ["test/integration/setup-env.ts"],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 150_000,
    hookTimeout: 120_000,
    // A scenario that fails must not be retried into a pass: every run counts.
    retry: 0,
    projects: [
      {
        extends: true,
        test: { name: "faults", include: ["test/faults/**/*.fault.ts"], exclude: [LOAD], sequence: { groupOrder: 1 } },
      },
      { extends: true, test: { name: "faults-load", include: [LOAD], sequence: { groupOrder: 2 } } },
    ],
  },
});
