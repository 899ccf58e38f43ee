import "server-only";
// Starts run and webhook consumers in this process: inside the web server by default
// (instrumentation.ts), or as standalone `npm run worker` processes in production.
import { startConsumers, stopQueue } from "@/lib/queue/queue";
import { processRun, WORKER_ID } from "./execute-run";
import { deliverWebhook } from "@/lib/webhooks/deliver";
import { env } from "@/lib/env/env";
import { traceRunJob } from "@/lib/observability/run-tracing";
import { startSweep } from "./sweep";
import { SWEEP_MS } from "./definitions";

export async function startWorker(
  opts: { concurrency?: number } = {},
): Promise<{ stop: () => Promise<void>; id: string }> {
  const concurrency = opts.concurrency ?? env("WORKER_CONCURRENCY");
  await startConsumers(
    { run: (runId) => traceRunJob(runId, () => processRun(runId)), webhook: deliverWebhook },
    concurrency,
  );
  // Takes over runs whose worker stopped renewing its lease, and reports stalls.
  const stopSweep = startSweep(SWEEP_MS);
  return {
    id: WORKER_ID,
    stop: () => {
      stopSweep();
      return stopQueue({ graceful: true });
    },
  };
}
