// Display helpers: times, durations, codes. Deterministic (no locale surprises in tests).
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const diff = now - new Date(iso).getTime();
  const abs = Math.abs(diff);
  const future = diff < 0;
  const say = (n: number, unit: string) =>
    future ? `in ${n} ${unit}${n === 1 ? "" : "s"}` : `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (abs < 45_000) return future ? "in a few seconds" : "just now";
  if (abs < HOUR) return say(Math.round(abs / MINUTE), "minute");
  if (abs < DAY) return say(Math.round(abs / HOUR), "hour");
  if (abs < 30 * DAY) return say(Math.round(abs / DAY), "day");
  return formatDate(iso);
}

/**
 * When a past event happened ("just now", "3 minutes ago"). The shared clock ticks every 30 s
 * and the browser's clock may be a little behind the server's, so an event written after the last
 * tick would read "in a few seconds": a past event is never in the future.
 */
export function relativePastTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  return relativeTime(iso, Math.max(now, new Date(iso).getTime()));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("en-GB", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / MINUTE);
  const s = Math.round((ms % MINUTE) / 1000);
  return `${m} min ${s} s`;
}

/** "step_failed:setup_repo" → "Step failed: setup repo" (the raw code is shown beside it). */
export function humanize(code: string | null | undefined): string {
  if (!code) return "";
  const text = code.replace(/[:_]+/g, (m) => (m.includes(":") ? ": " : " ")).trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
