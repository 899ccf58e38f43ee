// Process-level safety nets for processes that run queue consumers (the web server's inline
// worker and `npm run worker`). pg-boss records a job's failure with a query of its own and
// does not catch that query's error: while PostgreSQL restarts, such a rejection would end the
// process (Node's default) and take every run it holds down with it. Nothing is lost by
// staying up: the job stays active in the queue, expires and is retried once the database is
// back, and the run row says where to continue.
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { errorFields, log } from "@/lib/log/logger";

const installed = globalThis as { __onrampGuards?: boolean };

export function installProcessGuards(label: string): void {
  if (installed.__onrampGuards) return;
  installed.__onrampGuards = true;
  process.on("unhandledRejection", (reason) => {
    if (isDatabaseUnavailable(reason)) {
      log.warn(
        { process: label, reason: reason instanceof Error ? reason.message : String(reason) },
        "database unreachable; the queue will retry",
      );
      return;
    }
    log.error({ process: label, ...errorFields(reason) }, "unhandled rejection");
  });
}

/** Waits for `attempt` to succeed while the failure is the database being unreachable. */
export async function retryWhileDatabaseUnavailable<T>(
  label: string,
  attempt: () => Promise<T>,
  maxDelayMs = 30_000,
): Promise<T> {
  for (let delay = 500; ; delay = Math.min(delay * 2, maxDelayMs)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      log.warn(
        { process: label, reason: err instanceof Error ? err.message : String(err), retryInSeconds: delay / 1000 },
        "database unreachable; retrying",
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
