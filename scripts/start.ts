// `npm start`: database (embedded unless DATABASE_URL), migrations, demo seed, a production
// build when the sources changed, then `next start` with the worker running inside it.
// `npm run dev` does the same with `next dev`.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { ensureRuntimeSecrets } from "@/lib/runtime-secrets";
import { seedDemo } from "@/lib/admin/seed-demo";
import { disconnectDb } from "@/lib/db/client";

const root = process.cwd();
const dataDir = path.join(root, ".data");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);

const SOURCES = ["app", "components", "lib", "public", "next.config.ts", "package.json", "postcss.config.mjs", "tsconfig.json"];

function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    if (!existsSync(p) || p.includes(`${path.sep}generated`)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const entry of readdirSync(p).sort()) walk(path.join(p, entry));
    else hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return hash.digest("hex");
}

function buildIfNeeded(env: NodeJS.ProcessEnv) {
  const distDir = path.join(root, process.env.ONRAMP_DIST_DIR || ".next");
  const stamp = path.join(distDir, "onramp-build-fingerprint");
  const fingerprint = sourceFingerprint();
  if (existsSync(path.join(distDir, "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) return;
  console.log("[onramp] building the production bundle (first start or sources changed)…");
  const res = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env });
  if (res.status !== 0) process.exit(res.status ?? 1);
  writeFileSync(stamp, fingerprint);
}

async function main() {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  ensureRuntimeSecrets(dataDir);
  const database = await ensureDatabase({ dataDir: path.join(dataDir, "pg"), stopOnExit: false });
  process.env.DATABASE_URL = database.url;
  const { applied } = await applyMigrations(database.url);
  if (applied.length) console.log(`[onramp] applied migrations: ${applied.join(", ")}`);
  const demo = await seedDemo(dataDir);
  await disconnectDb();

  const env = { ...process.env, NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`, PORT: String(port) };
  if (!dev) buildIfNeeded(env);

  const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), dev ? "dev" : "start", "-p", String(port)], {
    stdio: "inherit",
    env,
  });
  console.log(`\n[onramp] Onramp is starting on http://localhost:${port}`);
  console.log(`[onramp] sign in as ${demo.email} with password ${demo.password}\n`);

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
