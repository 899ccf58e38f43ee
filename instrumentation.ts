// Runs once when the Next.js server starts: the default setup executes runs inside the web
// process. Set ONRAMP_INLINE_WORKER=false when dedicated `npm run worker` processes run them.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A server started without `npm start` (next start, a custom launcher) checks too.
  const { assertValidEnv } = await import("./lib/env/env");
  assertValidEnv();
  // Before anything handles a request: with OTEL_EXPORTER_OTLP_ENDPOINT set, requests and runs are traced.
  const { startTracing } = await import("./lib/observability/tracing");
  if (await startTracing("onramp-web"))
    console.log(`[onramp] exporting traces to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
  if (process.env.ONRAMP_INLINE_WORKER === "false" || !process.env.DATABASE_URL) return;
  const { startWorker } = await import("./lib/runs/worker");
  const { installProcessGuards, retryWhileDatabaseUnavailable } = await import("./lib/runs/process-guards");
  installProcessGuards("onramp");
  // Not awaited: the web server answers (health says the database is down) while it waits.
  void retryWhileDatabaseUnavailable("onramp", () => startWorker()).then(
    (worker) => console.log(`[onramp] inline worker ${worker.id} started`),
    (err) => console.error("[onramp] inline worker failed to start", err instanceof Error ? err.stack : err),
  );
}
