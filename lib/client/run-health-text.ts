// A run's health in an operator's words: "Retrying — attempt 2 of 4 in 8 s: GitHub rate limit",
// "Stalled — no progress for 40 s; no worker has picked this up".
import type { RunHealth } from "./types";

const CAUSES: Record<string, string> = {
  github_rate_limited: "GitHub rate limit",
  cloudflare_rate_limited: "Cloudflare rate limit",
  rate_limited: "provider rate limit",
  step_timeout: "the step timed out",
  simulated_failure: "simulated provider failure",
  simulated_rate_limited: "simulated provider rate limit",
  provider_unavailable: "provider unavailable",
};

function cause(reason: string | null): string {
  const code = (reason ?? "").replace(/^[a-z]+:/, "");
  if (!code) return "a temporary error";
  return CAUSES[code] ?? code.replace(/_/g, " ");
}

const secs = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

export interface HealthText {
  tone: "ok" | "warn" | "bad";
  title: string;
  detail: string;
}

export function healthText(h: RunHealth, now = Date.now()): HealthText {
  const attempt = h.attempt ? `attempt ${h.attempt} of ${h.maxAttempts}` : "";
  if (h.status === "retrying") {
    const wait = h.nextAttemptAt ? new Date(h.nextAttemptAt).getTime() - now : 0;
    const when = wait > 500 ? ` in ${secs(wait)}` : " now";
    return {
      tone: "warn",
      title: `Retrying — ${attempt}${when}: ${cause(h.reason)}`,
      detail: h.stepLabel ? `${h.stepLabel} failed temporarily; it is retried automatically.` : "",
    };
  }
  if (h.status === "stalled") {
    const silent = secs(h.silentForMs);
    const why =
      h.reason === "stalled:not_picked_up"
        ? "no worker has picked this up"
        : h.reason === "stalled:step_over_budget"
          ? `${h.stepLabel ?? "the step"} has run ${secs(h.stepElapsedMs ?? 0)}, past its ${secs(h.stepBudgetMs)} budget`
          : "the worker running it stopped sending heartbeats";
    const lead = h.reason === "stalled:step_over_budget" ? "Stalled — " : `Stalled — no progress for ${silent}; `;
    return {
      tone: "bad",
      title: `${lead}${why}`,
      detail:
        "Check that workers are running (npm run worker, or the web process's inline worker); the run continues where it stopped once one is.",
    };
  }
  // Extrapolated from the attempt's start (server time: lastProgressAt + silentForMs is when it
  // answered): the wizard's watch answers 304 while nothing changed, and the time still runs.
  const elapsedMs =
    h.stepElapsedMs === null
      ? null
      : Math.max(h.stepElapsedMs, now - (Date.parse(h.lastProgressAt) + h.silentForMs - h.stepElapsedMs));
  const elapsed = elapsedMs !== null ? ` · ${secs(elapsedMs)} of its ${secs(h.stepBudgetMs)} budget` : "";
  return {
    tone: "ok",
    title: `Healthy${h.stepLabel ? ` — ${h.stepLabel}${attempt && h.attempt! > 1 ? `, ${attempt}` : ""}` : ""}${elapsed}`,
    detail: "",
  };
}
