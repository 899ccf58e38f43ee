import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));
const excluded = ["**/node_modules/**", "**/.next/**", "**/.data/**", "e2e/**", "lib/generated/**"];

export default defineConfig({
  resolve: {
    // `@/…` imports, from tsconfig.json's `paths` (Vite 8 resolves them natively).
    tsconfigPaths: true,
    alias: { "server-only": path.join(root, "test/empty-module.ts") },
  },
  test: {
    environment: "node",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts", "**/*.test.tsx"],
          exclude: [...excluded, "**/*.integration.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: excluded,
          // One database (created by the global setup) is shared by all files: run them one at a time.
          globalSetup: ["test/integration/global-setup.ts"],
          setupFiles: ["test/integration/setup-env.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
