"use client";

// The header's notification centre: a bell with the unread count; its panel lists the newest
// notifications (each opens its run and marks it read). Keyboard: the bell is a button with
// aria-expanded; opening moves focus to the first entry, ArrowUp/ArrowDown/Home/End move between
// entries, Escape closes and gives focus back to the bell, Tab leaves the panel naturally.
import Link from "next/link";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useMarkNotificationsRead, useNotifications } from "@/lib/client/hooks/use-notifications";
import {
  browserNotificationsSupported,
  browserNotificationsWanted,
  enableBrowserNotifications,
} from "@/lib/client/browser-notify";
import { errorMessage } from "@/lib/client/api";
import type { AppNotification } from "@/lib/client/types";
import { RelativeTime } from "../ui/relative-time";
import { BellIcon, Spinner } from "../ui/icons";

const DOT: Record<string, string> = {
  run_succeeded: "bg-emerald-500",
  run_failed: "bg-red-500",
  run_blocked: "bg-amber-500",
  run_cancelled: "bg-slate-400",
};

function BrowserToggle() {
  const [supported, setSupported] = useState(false);
  const [on, setOn] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    // Read after mount: the server has no Notification API or localStorage.
    /* eslint-disable react-hooks/set-state-in-effect */
    setSupported(browserNotificationsSupported());
    setOn(browserNotificationsWanted());
    /* eslint-enable react-hooks/set-state-in-effect */
  }, []);
  if (!supported) return null;
  return (
    <div className="border-t border-slate-100 px-4 py-2.5">
      <label className="flex items-center gap-2 text-xs text-slate-700">
        <input
          type="checkbox"
          className="size-4 rounded border-slate-300 text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
          checked={on}
          onChange={async (e) => {
            const wanted = e.target.checked;
            const permission = await enableBrowserNotifications(wanted);
            const granted = wanted && permission === "granted";
            setOn(granted);
            setNote(
              wanted && !granted
                ? "Your browser blocks notifications from this site; allow them in its site settings."
                : null,
            );
          }}
        />
        Notify me in the browser when this tab is in the background
      </label>
      {note ? (
        <p className="mt-1 text-xs text-amber-800" role="status">
          {note}
        </p>
      ) : null}
    </div>
  );
}

export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const notifications = useNotifications();
  const markRead = useMarkNotificationsRead();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();
  const unread = notifications.data?.unreadCount ?? 0;
  const items = notifications.data?.items ?? [];

  const entries = () =>
    Array.from(panelRef.current?.querySelectorAll<HTMLAnchorElement>("[data-notification-entry]") ?? []);

  useEffect(() => {
    if (!open) return;
    (entries()[0] ?? panelRef.current)?.focus();
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
    // Focus moves on opening only, not on every poll.
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onPanelKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close(true);
      return;
    }
    const list = entries();
    if (!list.length || !["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    const at = list.indexOf(document.activeElement as HTMLAnchorElement);
    const next =
      e.key === "Home"
        ? 0
        : e.key === "End"
          ? list.length - 1
          : e.key === "ArrowDown"
            ? (at + 1) % list.length
            : (at - 1 + list.length) % list.length;
    list[next].focus();
  };

  const openEntry = (n: AppNotification) => {
    if (!n.read) markRead.mutate({ ids: [n.id] });
    setOpen(false);
  };

  const label = unread ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        aria-haspopup="true"
        data-testid="notification-bell"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="relative rounded-md p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <BellIcon className="size-5" />
        {unread ? (
          <span
            aria-hidden
            data-testid="notification-count"
            className="absolute -top-0.5 -right-0.5 flex h-4.5 min-w-4.5 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] leading-none font-semibold text-white tabular-nums"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      <div
        ref={panelRef}
        id={panelId}
        role="region"
        aria-labelledby={headingId}
        tabIndex={-1}
        hidden={!open}
        onKeyDown={onPanelKey}
        data-testid="notification-panel"
        className="fixed inset-x-4 top-16 z-40 overflow-hidden sm:absolute sm:inset-x-auto sm:top-auto sm:right-0 sm:mt-2 sm:w-[22rem] rounded-xl border border-slate-200 bg-white shadow-xl ring-1 ring-black/5 focus:outline-none"
      >
        <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-2.5">
          <h2 id={headingId} className="text-sm font-semibold text-slate-900">
            Notifications
          </h2>
          {unread ? (
            <button
              type="button"
              className="rounded text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </button>
          ) : null}
        </div>
        {notifications.isPending ? (
          <p className="flex items-center gap-2 px-4 py-6 text-sm text-slate-600">
            <Spinner /> Loading…
          </p>
        ) : notifications.isError && !notifications.data ? (
          <p className="px-4 py-6 text-sm text-red-700" role="alert">
            Could not load notifications: {errorMessage(notifications.error)}
          </p>
        ) : items.length === 0 ? (
          <p className="px-4 py-6 text-center text-sm text-slate-600">
            Nothing yet. When a run you started ends, it shows up here.
          </p>
        ) : (
          <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto" aria-label="Latest notifications">
            {items.map((n) => (
              <li key={n.id}>
                <Link
                  href={n.href}
                  data-notification-entry
                  data-read={n.read}
                  onClick={() => openEntry(n)}
                  className={`flex gap-3 px-4 py-3 text-sm hover:bg-slate-50 focus:bg-indigo-50 focus:outline-none ${n.read ? "" : "bg-indigo-50/40"}`}
                >
                  <span
                    aria-hidden
                    className={`mt-1.5 size-2 shrink-0 rounded-full ${DOT[n.kind] ?? "bg-slate-400"}`}
                  />
                  <span className="min-w-0 flex-1">
                    <span className={`block ${n.read ? "text-slate-700" : "font-semibold text-slate-900"}`}>
                      {n.title}
                      {n.read ? null : <span className="sr-only"> (unread)</span>}
                    </span>
                    {n.body ? <span className="block text-xs text-slate-600">{n.body}</span> : null}
                    <RelativeTime iso={n.createdAt} className="block text-xs text-slate-500" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <BrowserToggle />
        <div className="border-t border-slate-100 px-4 py-2.5 text-right">
          <Link
            href="/operations"
            onClick={() => setOpen(false)}
            className="text-xs font-medium text-indigo-700 hover:underline"
          >
            All operations
          </Link>
        </div>
      </div>
    </div>
  );
}
