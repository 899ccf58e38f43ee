// `npm run worker`: a standalone worker process. Run any number of them beside the web
// processes, on any machine that reaches the same PostgreSQL (set DATABASE_URL in production).
import path from "node:path";
import { ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { ensureRuntimeSecrets } from "@/lib/runtime-secrets";
import { startWorker } from "@/lib/runs/worker";
import { installProcessGuards, retryWhileDatabaseUnavailable } from "@/lib/runs/process-guards";
import { env, envProblems } from "@/lib/env/env";
import { startTracing, stopTracing } from "@/lib/observability/tracing";

async function main() {
  const problems = envProblems();
  if (problems.length) {
    console.error(`[worker] cannot start: fix the environment\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  const dataDir = path.join(process.cwd(), ".data");
  ensureRuntimeSecrets(dataDir);
  const database = await ensureDatabase({ dataDir: path.join(dataDir, "pg"), stopOnExit: false });
  process.env.DATABASE_URL = database.url;
  installProcessGuards("worker");
  if (await startTracing("onramp-worker"))
    console.log(`[worker] exporting traces to ${env("OTEL_EXPORTER_OTLP_ENDPOINT")}`);
  // An external database that is down (or restarting) delays the start instead of failing it.
  await retryWhileDatabaseUnavailable("worker", () => applyMigrations(database.url));
  const worker = await retryWhileDatabaseUnavailable("worker", () => startWorker());
  console.log(`[worker] ${worker.id} consuming runs (concurrency ${env("WORKER_CONCURRENCY")})`);
  const shutdown = async (signal: string) => {
    console.log(`[worker] ${signal}: finishing the current step, then stopping`);
    await worker.stop();
    await stopTracing();
    await database.release();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error("[worker] failed:", err instanceof Error ? err.stack : err);
  process.exit(1);
});
