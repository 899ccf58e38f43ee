// The wizard's one poll (GET /onboarding/:id/watch) feeds the queries the wizard's components
// already read: the session, the runs list and each run's detail (steps and log). While a tab
// watches a session, those queries stop polling on their own (see `isWatched`).
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "./query-keys";
import type { LogLine, Run, Session, Watch } from "./types";

/** What the watch query keeps: the ETag to send next and whose log the cursor follows. */
export interface WatchState {
  etag: string | null;
  logRunId: string | null;
}

/** Is a mounted watch polling this session (so its session/runs/run queries need not)? */
export function isWatched(qc: QueryClient, sessionId: string | undefined): boolean {
  if (!sessionId) return false;
  const query = qc.getQueryCache().find({ queryKey: queryKeys.onboardings.watch(sessionId), exact: true });
  return !!query && query.getObserversCount() > 0 && query.state.status !== "error";
}

export function mergeLog(previous: LogLine[], next: LogLine[]): LogLine[] {
  if (next.length === 0) return previous;
  const seen = new Set(previous.map((l) => l.id));
  return [...previous, ...next.filter((l) => !seen.has(l.id))];
}

/** `<runId>.<last line id>` of the log this tab already holds for the run, if any. */
export function logCursor(qc: QueryClient, runId: string | null): string | undefined {
  if (!runId) return undefined;
  const last = qc.getQueryData<Run>(queryKeys.runs.detail(runId))?.log?.at(-1);
  return last ? `${runId}.${last.id}` : undefined;
}

/** Writes a full watch answer into the session, runs and run-detail queries. */
export function applyWatch(qc: QueryClient, id: string, watch: Watch): void {
  const sessionKey = queryKeys.onboardings.session(id);
  const cached = qc.getQueryData<Session>(sessionKey);
  // A save of this tab may already have cached a newer version than this answer saw.
  if (!cached || cached.version <= watch.session.version) qc.setQueryData(sessionKey, watch.session);
  qc.setQueryData<{ items: Run[] }>(queryKeys.onboardings.runs(id), { items: watch.runs });
  for (const run of watch.runs) {
    const key = queryKeys.runs.detail(run.id);
    const detail = qc.getQueryData<Run>(key);
    if (watch.log?.runId === run.id) {
      qc.setQueryData<Run>(key, { ...run, log: mergeLog(detail?.log ?? [], watch.log.lines) });
    } else if (detail) {
      qc.setQueryData<Run>(key, { ...run, log: detail.log });
    }
  }
}
