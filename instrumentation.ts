// Runs once when the Next.js server starts: the default setup executes runs inside the web
// process. Set ONRAMP_INLINE_WORKER=false when dedicated `npm run worker` processes run them.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.ONRAMP_INLINE_WORKER === "false" || !process.env.DATABASE_URL) return;
  const { startWorker } = await import("./lib/runs/worker");
  const worker = await startWorker();
  console.log(`[onramp] inline worker ${worker.id} started`);
}
