// The notification centre's data: the newest notifications and the unread count, polled every
// 20 s (also in a background tab, so a run that ends while the operator is elsewhere can raise a
// browser notification) and at once when the window regains focus. While a wizard watch polls
// (lib/client/hooks/use-watch.ts), its answers say when a notification arrived instead: the
// tab keeps to one request per tick.
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { queryKeys } from "../query-keys";
import { showBrowserNotification } from "../browser-notify";
import type { NotificationPage } from "../types";
import { anyWatchActive } from "../watch";

export const NOTIFICATION_POLL_MS = 20_000;

/** True while a watch of this tab polls (re-rendering when that changes). */
function useWatching(): boolean {
  const qc = useQueryClient();
  const subscribe = useCallback((onChange: () => void) => qc.getQueryCache().subscribe(onChange), [qc]);
  return useSyncExternalStore(
    subscribe,
    () => anyWatchActive(qc),
    () => false,
  );
}

export function useNotifications() {
  const watching = useWatching();
  const query = useQuery({
    queryKey: queryKeys.notifications.all(),
    queryFn: ({ signal }) => api.notifications({ limit: 10 }, signal),
    refetchInterval: watching ? false : NOTIFICATION_POLL_MS,
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: "always",
    staleTime: 0,
  });

  // A notification not seen by this page before is news; the first answer is the baseline.
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    const items = query.data?.items;
    if (!items) return;
    if (seen.current === null) {
      seen.current = new Set(items.map((n) => n.id));
      return;
    }
    for (const n of items) {
      if (seen.current.has(n.id)) continue;
      seen.current.add(n.id);
      if (!n.read) showBrowserNotification(n);
    }
  }, [query.data]);

  return query;
}

export function useMarkNotificationsRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (target: { ids: string[] } | { all: true }) => api.markNotificationsRead(target),
    onMutate: async (target) => {
      const key = queryKeys.notifications.all();
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<NotificationPage>(key);
      if (before) {
        const now = new Date().toISOString();
        const hit = (id: string) => "all" in target || target.ids.includes(id);
        const items = before.items.map((n) => (!n.read && hit(n.id) ? { ...n, read: true, readAt: now } : n));
        const marked = before.items.filter((n) => !n.read && hit(n.id)).length;
        qc.setQueryData<NotificationPage>(key, {
          ...before,
          items,
          unreadCount: "all" in target ? 0 : Math.max(0, before.unreadCount - marked),
        });
      }
      return { before };
    },
    onError: (_err, _target, ctx) => {
      if (ctx?.before) qc.setQueryData(queryKeys.notifications.all(), ctx.before);
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.notifications.all() }),
  });
}
