// The wizard's one poll (GET /onboarding/:id/watch) feeds the queries the wizard's components
// already read: the session, the runs list and each run's detail (steps and log). While a tab
// watches a session, those queries stop polling on their own (see `isWatched`).
import { isFreshEnough } from "./session-freshness";
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "./query-keys";
import type { LogLine, Run, Session, Watch } from "./types";

/** What the watch query keeps: the ETag to send next and whose log the cursor follows. */
export interface WatchState {
  etag: string | null;
  logRunId: string | null;
  /** The caller's newest notification as the last answer saw it. */
  notifiedAt: string | null;
}

const isWatchKey = (key: readonly unknown[]) => key[0] === "onboardings" && key[1] === "detail" && key[3] === "watch";

/** Is an enabled watch polling this session (so its session/runs/run queries need not)? */
export function isWatched(qc: QueryClient, sessionId: string | undefined): boolean {
  if (!sessionId) return false;
  const query = qc.getQueryCache().find({ queryKey: queryKeys.onboardings.watch(sessionId), exact: true });
  return !!query && query.isActive() && query.state.status !== "error";
}

/** Is any watch of this tab polling (its answers also say when a notification arrived)? */
export function anyWatchActive(qc: QueryClient): boolean {
  return (
    qc
      .getQueryCache()
      .findAll({ predicate: (q) => isWatchKey(q.queryKey) && q.isActive() && q.state.status !== "error" }).length > 0
  );
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

/**
 * Writes a full watch answer into the session, runs and run-detail queries; a notification
 * newer than the previous answer's refreshes the bell (which does not poll while watched).
 */
export function applyWatch(qc: QueryClient, id: string, watch: Watch, previous?: WatchState): void {
  if (previous && previous.notifiedAt !== watch.notifications.latestAt)
    void qc.invalidateQueries({ queryKey: queryKeys.notifications.all() });
  const sessionKey = queryKeys.onboardings.session(id);
  const cached = qc.getQueryData<Session>(sessionKey);
  // A save of this tab may already have cached a newer version than this answer saw.
  if (isFreshEnough(cached, watch.session)) qc.setQueryData(sessionKey, watch.session);
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
