// `npm start` with a bad environment value stops at once, naming the variable, before it
// starts a database or a server.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

describe("npm start with a bad environment", () => {
  it("exits 1 with a message naming the variable and what it accepts", () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", "scripts/start.ts"],
      {
        cwd: root,
        env: { ...process.env, WORKER_CONCURRENCY: "abc", ONRAMP_TRUST_PROXY: "yes", DATABASE_URL: "" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WORKER_CONCURRENCY="abc" is not valid: expected a whole number');
    expect(result.stderr).toContain('ONRAMP_TRUST_PROXY="yes" is not valid: expected true or false');
    expect(result.stdout).not.toContain("Onramp is starting");
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 70_000);
});
