// Queries and mutations of one onboarding: the session, its runs, a run's log, the audit
// trail. Polling follows lib/client/polling.ts; every mutation updates or invalidates what it
// changed and tells the other tabs (BroadcastChannel).
import { isFreshEnough } from "@/lib/client/session-freshness";
import { useCallback } from "react";
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import { api, ApiProblem, type OnboardingFilters } from "../api";
import { queryKeys } from "../query-keys";
import { isRunActive, isSessionActive, pollWhile, POLL_MS } from "../polling";
import { broadcastSessionSaved } from "../broadcast";
import type { Run, RunStarted, Session } from "../types";
import { runQueuedToast, toast } from "../toast";
import { isWatched, mergeLog } from "../watch";

const noRetryOn4xx = (count: number, error: Error) =>
  !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2;

function anyRunActive(qc: QueryClient, id: string): boolean {
  return !!qc.getQueryData<{ items: Run[] }>(queryKeys.onboardings.runs(id))?.items.some(isRunActive);
}

/**
 * The session; polls every 5 s while a checkpoint is active (or one of its runs is) — unless a
 * wizard tab's watch (hooks/use-watch.ts) is polling it, which fills this query instead.
 */
export function useSession(id: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.onboardings.session(id),
    enabled: id !== "",
    queryFn: async ({ signal }) => {
      const before = qc.getQueryData<Session>(queryKeys.onboardings.session(id));
      const session = await api.session(id, signal);
      // A new version usually means a run moved on: refresh the runs now rather than up to 5 s later.
      if (before && before.version !== session.version)
        void qc.invalidateQueries({ queryKey: queryKeys.onboardings.runs(id) });
      return session;
    },
    refetchInterval: pollWhile<Session>((s) => !isWatched(qc, id) && (isSessionActive(s) || anyRunActive(qc, id))),
    placeholderData: keepPreviousData,
    retry: noRetryOn4xx,
  });
}

/** The session's runs, newest first; polls while one is queued/running or the session is active (and no watch does). */
export function useRuns(id: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.onboardings.runs(id),
    queryFn: async ({ signal }) => {
      const before = qc.getQueryData<{ items: Run[] }>(queryKeys.onboardings.runs(id));
      const result = await api.runs(id, signal);
      const finished = before?.items.some(
        (r) => isRunActive(r) && !isRunActive(result.items.find((n) => n.id === r.id)),
      );
      if (finished) void qc.invalidateQueries({ queryKey: queryKeys.onboardings.session(id) });
      return result;
    },
    refetchInterval: pollWhile<{ items: Run[] }>(
      (d) =>
        !isWatched(qc, id) &&
        (!!d?.items.some(isRunActive) || isSessionActive(qc.getQueryData<Session>(queryKeys.onboardings.session(id)))),
    ),
    placeholderData: keepPreviousData,
    retry: noRetryOn4xx,
  });
}

export const latestRun = (runs: Run[] | undefined, kind: Run["kind"]): Run | undefined =>
  runs?.find((r) => r.kind === kind);

const LOG_PAGE = 500;

/** One run with its steps and the full log, fetching only new lines (`logAfter`) each poll. */
export function useRunDetail(runId: string | undefined) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.runs.detail(runId ?? "none"),
    enabled: !!runId,
    queryFn: async ({ signal }): Promise<Run> => {
      const key = queryKeys.runs.detail(runId!);
      let log = qc.getQueryData<Run>(key)?.log ?? [];
      let page: Run;
      do {
        page = await api.run(runId!, log.at(-1)?.id, signal);
        log = mergeLog(log, page.log ?? []);
      } while ((page.log?.length ?? 0) >= LOG_PAGE);
      return { ...page, log };
    },
    refetchInterval: pollWhile<Run>((r) => isRunActive(r) && !isWatched(qc, r?.sessionId)),
    retry: noRetryOn4xx,
  });
}

/** The audit trail, newest first, cursor-paged. */
export function useAudit(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.onboardings.audit(id),
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.audit(id, pageParam, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: noRetryOn4xx,
  });
}

/** The dashboard list: filters, cursor "Load more"; polls while a listed onboarding is active. */
export function useOnboardingList(filters: OnboardingFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.onboardings.list(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.listOnboardings({ ...filters, cursor: pageParam, limit: 20 }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some(isSessionActive)) ? POLL_MS : false),
  });
}

/**
 * After any successful write to a session: cache the answer, refresh what depends on it, and
 * tell the other tabs.
 */
export function useSessionSaved(id: string) {
  const qc = useQueryClient();
  return useCallback(
    (session: Session) => {
      const key = queryKeys.onboardings.session(id);
      const cached = qc.getQueryData<Session>(key);
      if (isFreshEnough(cached, session)) qc.setQueryData(key, session);
      void qc.invalidateQueries({ queryKey: queryKeys.onboardings.runs(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.onboardings.audit(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.onboardings.lists() });
      void qc.invalidateQueries({ queryKey: queryKeys.platforms.all() });
      broadcastSessionSaved(id, session.version);
    },
    [qc, id],
  );
}

/**
 * A button press is a decision about the state on screen (lifecycle and checkpoint), not
 * about every field: the worker bumps the version at each finished step, so a conflict whose
 * current state is still the one shown is re-sent once on the new version. A conflict that
 * changed the state is raised to the operator.
 */
export async function withVersion<T>(seen: Session, call: (version: number) => Promise<T>): Promise<T> {
  try {
    return await call(seen.version);
  } catch (err) {
    const sameState =
      err instanceof ApiProblem &&
      err.isVersionConflict &&
      err.currentVersion !== null &&
      err.current?.lifecycleState === seen.lifecycleState &&
      err.current?.currentCheckpoint === seen.currentCheckpoint;
    if (sameState) return call((err as ApiProblem).currentVersion!);
    throw err;
  }
}

type ActionResult = Session | { session: Session };
const sessionOf = (r: ActionResult): Session => ("session" in r && r.session ? r.session : (r as Session));

/** A lifecycle action (run verification, bootstrap, resume, cancel, activate, deprovision). */
export function useSessionAction<V = void, R extends ActionResult = ActionResult>(
  session: Session | undefined,
  call: (id: string, version: number, vars: V) => Promise<R>,
  opts: { onSuccess?: (result: R) => void } = {},
) {
  const id = session?.id ?? "";
  const saved = useSessionSaved(id);
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: V) => {
      if (!session) throw new Error("The onboarding is not loaded yet.");
      return withVersion(session, (version) => call(id, version, vars));
    },
    onSuccess: (result) => {
      saved(sessionOf(result));
      // Queued-intent feedback: the run goes on without this page.
      const started = result as Partial<RunStarted>;
      if (started.run) toast(runQueuedToast(started.run, !!started.deduplicated));
      else if (sessionOf(result).cancelledAt && !session?.cancelledAt) {
        toast({
          message: "Onboarding cancelled — a running step stops at its next safe point",
          href: "/operations",
          linkLabel: "Operations",
        });
      }
      // A resumed bootstrap continues the same run: wake its (finished, no longer polling) detail.
      void qc.invalidateQueries({ queryKey: queryKeys.runs.all() });
      opts.onSuccess?.(result);
    },
    onError: (err) => {
      // Whatever refused the action, what is on screen is out of date.
      if (err instanceof ApiProblem && err.status === 409)
        void qc.invalidateQueries({ queryKey: queryKeys.onboardings.detail(id) });
    },
  });
}
