"use client";

// Renders lib/client/toast.ts: each toast is a role=status live region (announced politely,
// never takes focus), dismissible with its button, and goes by itself unless hovered or focused.
import Link from "next/link";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { dismissToast, getServerToasts, getToasts, subscribeToasts, type Toast } from "@/lib/client/toast";

const TONE: Record<Toast["tone"], string> = {
  info: "border-indigo-200 bg-white",
  success: "border-emerald-200 bg-white",
  error: "border-red-200 bg-white",
};
const DOT: Record<Toast["tone"], string> = { info: "bg-indigo-500", success: "bg-emerald-500", error: "bg-red-500" };

function ToastItem({ t }: { t: Toast }) {
  const [paused, setPaused] = useState(false);
  const remaining = useRef(t.durationMs);
  useEffect(() => {
    if (paused) return;
    const started = Date.now();
    const timer = setTimeout(() => dismissToast(t.id), remaining.current);
    return () => {
      clearTimeout(timer);
      remaining.current = Math.max(1000, remaining.current - (Date.now() - started));
    };
  }, [paused, t.id]);
  return (
    <div
      role="status"
      aria-live="polite"
      aria-atomic="true"
      data-testid="toast"
      className={`pointer-events-auto flex w-full items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ring-1 ring-black/5 ${TONE[t.tone]}`}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${DOT[t.tone]}`} />
      <div className="min-w-0 flex-1">
        <p className="text-slate-900">{t.message}</p>
        {t.href ? (
          <Link
            href={t.href}
            className="mt-1 inline-block font-medium text-indigo-700 hover:underline"
            onClick={() => dismissToast(t.id)}
          >
            {t.linkLabel ?? "Open"}
          </Link>
        ) : null}
      </div>
      <button
        type="button"
        onClick={() => dismissToast(t.id)}
        className="-mt-0.5 -mr-1 rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        aria-label="Dismiss notification"
      >
        <svg aria-hidden viewBox="0 0 20 20" className="size-4" fill="currentColor">
          <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
        </svg>
      </button>
    </div>
  );
}

export function Toaster() {
  const toasts = useSyncExternalStore(subscribeToasts, getToasts, getServerToasts);
  return (
    <section
      aria-label="Status messages"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex justify-center p-4 sm:justify-end"
    >
      {/* Always mounted, so screen readers are already listening when a toast arrives. */}
      <div aria-live="polite" aria-relevant="additions" className="flex w-full max-w-sm flex-col gap-2">
        {toasts.map((t) => (
          <ToastItem key={t.id} t={t} />
        ))}
      </div>
    </section>
  );
}
