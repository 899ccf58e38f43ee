// `npm run test:e2e`: the app as `npm start` runs it (production build, `next start`, inline
// worker) on a free port with a fresh, migrated database of its own, an owner and a viewer,
// then Playwright against it; everything is torn down and Playwright's exit code returned.
// Extra arguments go to `playwright test` (e.g. `npm run test:e2e -- e2e/wizard.spec.ts`).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { createScratchDatabase, dropDatabase, ensureDatabase, redactUrl } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { createUser } from "@/lib/admin/admin-ops";
import { disconnectDb } from "@/lib/db/client";
import { buildIfNeeded } from "./lib/build";

const root = process.cwd();
const log = (message: string) => console.log(`[e2e] ${message}`);

function buildForE2e(env: NodeJS.ProcessEnv): void {
  const built = buildIfNeeded({ root, distDir: process.env.ONRAMP_DIST_DIR || ".next", log, spawn: { env } });
  if (!built) log("production build is up to date");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Tests create and drop data freely: never against a database on another machine. */
function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host) && process.env.E2E_ALLOW_REMOTE_DATABASE !== "1") {
    throw new Error(
      `Refusing to run end-to-end tests against a non-local database (${redactUrl(url)}). Set E2E_ALLOW_REMOTE_DATABASE=1 to override.`,
    );
  }
}

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited early (code ${child.exitCode})`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The app did not become healthy within ${timeoutMs / 1000} s`);
}

function stopProcess(child: ChildProcess | null, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function main(): Promise<number> {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const server = await ensureDatabase({ log: (m) => log(m) });
  assertLocalDatabase(server.url);
  const dbName = `onramp_e2e_${process.pid}_${randomBytes(3).toString("hex")}`;
  let app: ChildProcess | null = null;
  let dbCreated = false;

  const cleanup = async () => {
    await stopProcess(app);
    app = null;
    await disconnectDb().catch(() => undefined);
    if (dbCreated)
      await dropDatabase(server.url, dbName).catch((e) =>
        log(`could not drop ${dbName}: ${e instanceof Error ? e.message : e}`),
      );
    dbCreated = false;
    await server.release();
  };
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const url = await createScratchDatabase(server.url, dbName);
    dbCreated = true;
    await applyMigrations(url);
    log(`fresh database ${dbName}`);

    process.env.DATABASE_URL = url;
    const workspace = "e2e";
    const owner = { email: "owner@e2e.onramp.test", password: `pw-${randomBytes(9).toString("base64url")}` };
    const viewer = { email: "viewer@e2e.onramp.test", password: `pw-${randomBytes(9).toString("base64url")}` };
    await createUser({ ...owner, workspace, role: "owner", name: "E2E Owner" });
    await createUser({ ...viewer, workspace, role: "viewer", name: "E2E Viewer" });
    await disconnectDb();

    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64url"),
      ONRAMP_ENCRYPTION_KEY: process.env.ONRAMP_ENCRYPTION_KEY ?? randomBytes(32).toString("hex"),
      ONRAMP_INLINE_WORKER: "true",
      SIMULATED_STEP_DELAY_MS: process.env.SIMULATED_STEP_DELAY_MS ?? "300",
      RATE_LIMIT_SIGNIN_PER_MINUTE: "1000",
      // Every browser signs in from 127.0.0.1.
      RATE_LIMIT_SIGNIN_PER_IP_PER_MINUTE: "1000",
      RATE_LIMIT_SIGNIN_PER_EMAIL_IP_PER_MINUTE: "1000",
      RATE_LIMIT_WRITES_PER_MINUTE: "100000",
      // The webhook test receives deliveries on 127.0.0.1.
      ONRAMP_WEBHOOK_ALLOW_PRIVATE: "true",
    };
    buildForE2e(env);

    log(`starting the app on ${baseUrl}`);
    // The server `npm start` runs (Next.js behind scripts/lib/serve.mjs), so e2e covers it.
    app = spawn(process.execPath, [path.join(root, "scripts", "lib", "serve.mjs")], {
      env: { ...env, NODE_ENV: "production" },
      stdio: ["ignore", process.env.E2E_APP_LOG === "1" ? "inherit" : "ignore", "inherit"],
    });
    await waitForHealth(baseUrl, app);
    log("app is healthy; running Playwright");

    const pw = spawn(process.execPath, [require.resolve("@playwright/test/cli"), "test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: {
        ...process.env,
        E2E_BASE_URL: baseUrl,
        E2E_OWNER_EMAIL: owner.email,
        E2E_OWNER_PASSWORD: owner.password,
        E2E_VIEWER_EMAIL: viewer.email,
        E2E_VIEWER_PASSWORD: viewer.password,
      },
    });
    const code = await new Promise<number>((resolve) => pw.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
    log(`Playwright exited with ${code}`);
    return code;
  } finally {
    if (!interrupted) await cleanup();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error("[e2e] failed:", err instanceof Error ? err.message : err);
    process.exit(1);
  });
