// One conditional request per 5 s while a checkpoint is active: GET /onboarding/:id/watch with
// the previous answer's ETag as If-None-Match. A 304 changes nothing on screen; a full answer
// is written into the session, runs and run-detail queries (lib/client/watch.ts).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "../api";
import { POLL_MS } from "../polling";
import { queryKeys } from "../query-keys";
import { applyWatch, logCursor, type WatchState } from "../watch";

const gone = (error: unknown) =>
  error instanceof ApiProblem && (error.status === 404 || error.status === 401 || error.status === 403);

/** Watches session `id` while `active` (a run queued or running, or the lifecycle verifying/bootstrapping). */
export function useWatch(id: string, active: boolean) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.onboardings.watch(id),
    enabled: active && id !== "",
    queryFn: async ({ signal }): Promise<WatchState> => {
      const previous = qc.getQueryData<WatchState>(queryKeys.onboardings.watch(id));
      const answer = await api.watch(id, previous?.etag ?? null, logCursor(qc, previous?.logRunId ?? null), signal);
      // 304: what this tab shows is current; the same object keeps every observer quiet.
      if (!answer.body) {
        return previous && previous.etag === answer.etag
          ? previous
          : { etag: answer.etag, logRunId: previous?.logRunId ?? null, notifiedAt: previous?.notifiedAt ?? null };
      }
      applyWatch(qc, id, answer.body, previous);
      return {
        etag: answer.etag,
        logRunId: answer.body.log?.runId ?? null,
        notifiedAt: answer.body.notifications.latestAt,
      };
    },
    refetchInterval: (query) => (active && !gone(query.state.error) ? POLL_MS : false),
    retry: (count, error) => !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
    // Polled on its own cadence; a refocused tab refreshes through the session and runs queries.
    refetchOnWindowFocus: false,
  });
}
