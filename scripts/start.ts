// `npm start`: database (embedded unless DATABASE_URL), migrations, demo seed (embedded database
// only, never in production), a production build when the sources changed, then `next start`
// with the worker running inside it.
// `npm run dev` does the same with `next dev`.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { ensureRuntimeSecrets } from "@/lib/runtime-secrets";
import { demoSeedDecision, FIRST_OWNER_HINT, seedDemo } from "@/lib/admin/seed-demo";
import { disconnectDb } from "@/lib/db/client";
import { buildIfNeeded } from "./lib/build";
import { envProblems } from "@/lib/env/env";

const root = process.cwd();
const dataDir = path.join(root, ".data");
const dev = process.argv.includes("--dev");
// A bad value stops the start here, naming the variable, before anything is started.
const problems = envProblems();
if (problems.length) {
  console.error(`[onramp] cannot start: fix the environment\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const SERVE_SCRIPT = path.join(__dirname, "lib", "serve.mjs");

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  ensureRuntimeSecrets(dataDir);
  // Decided before ensureDatabase sets DATABASE_URL to the embedded server's.
  const seedDecision = demoSeedDecision(process.env);
  const database = await ensureDatabase({ dataDir: path.join(dataDir, "pg"), stopOnExit: false });
  process.env.DATABASE_URL = database.url;
  const { applied } = await applyMigrations(database.url);
  if (applied.length) console.log(`[onramp] applied migrations: ${applied.join(", ")}`);
  const demo = seedDecision.seed ? await seedDemo(dataDir) : null;
  await disconnectDb();

  const env = {
    ...process.env,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    PORT: String(port),
  };
  if (!dev) {
    try {
      buildIfNeeded({
        root,
        distDir: process.env.ONRAMP_DIST_DIR || ".next",
        log: (m) => console.log(`[onramp] ${m}`),
        spawn: { env },
      });
    } catch (err) {
      console.error(`[onramp] ${err instanceof Error ? err.message : err}`);
      process.exit(1);
    }
  }

  // Next.js behind a thin server that makes forwarded headers trustworthy (scripts/lib/serve.mjs).
  // Plain node, not this process's tsx with the react-server condition: Next loads its own React.
  const child = spawn(process.execPath, [SERVE_SCRIPT, ...(dev ? ["--dev"] : [])], {
    stdio: "inherit",
    env: { ...env, NODE_ENV: dev ? "development" : "production" },
  });
  console.log(`\n[onramp] Onramp is starting on http://localhost:${port}`);
  if (demo) console.log(`[onramp] sign in as ${demo.email} with password ${demo.password}\n`);
  else if (!seedDecision.seed) console.log(`[onramp] no demo account (${seedDecision.reason}); ${FIRST_OWNER_HINT}\n`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  child.on("exit", async (code) => {
    await database.release();
    process.exit(code ?? 0);
  });
}

main().catch((err) => {
  console.error("[onramp] failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
