"use client";
// A run's health in an operator's words, wherever a run is shown (wizard, dashboard, run page).
// Healthy runs show nothing in compact places (the status says "running"); retrying and stalled
// always say what is happening and when the next attempt comes.
import { useEffect, useState } from "react";
import { healthText } from "@/lib/client/run-health-text";
import type { RunHealth } from "@/lib/client/types";
import { Alert } from "../ui/alert";

/** Re-renders every second while a countdown is on screen. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function RunHealthNotice({
  health,
  compact = false,
  showHealthy = false,
}: {
  health: RunHealth | null | undefined;
  compact?: boolean;
  showHealthy?: boolean;
}) {
  // A healthy step's elapsed time runs on between answers too (lib/client/run-health-text.ts).
  const now = useNow(!!health && (health.status !== "healthy" || (showHealthy && health.stepElapsedMs !== null)));
  if (!health || (health.status === "healthy" && !showHealthy)) return null;
  const text = healthText(health, now);
  if (compact) {
    const color = text.tone === "bad" ? "text-red-700" : text.tone === "warn" ? "text-amber-800" : "text-slate-600";
    return (
      <p
        className={`text-xs ${color}`}
        data-testid="run-health"
        data-health={health.status}
        title={health.reason ?? undefined}
      >
        {text.title}
      </p>
    );
  }
  return (
    <Alert
      tone={text.tone === "bad" ? "danger" : text.tone === "warn" ? "warning" : "info"}
      role="status"
      title={text.title}
      testId="run-health"
    >
      {text.detail ? <p>{text.detail}</p> : null}
      {health.reason ? (
        <code className="font-mono text-xs opacity-80" data-health={health.status}>
          {health.reason}
        </code>
      ) : null}
    </Alert>
  );
}
