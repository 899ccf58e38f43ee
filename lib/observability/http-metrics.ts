import "server-only";
// This process's HTTP request durations (prom-client). Per process by nature: each web process
// exposes its own, and Prometheus sums them across instances. Labels are bounded: the method,
// the declared route template (lib/api/routes: never an id) and the status code.
import { Histogram, Registry } from "prom-client";

interface HttpMetricsState {
  registry: Registry;
  duration: Histogram<"method" | "route" | "status">;
}

const globalState = globalThis as { __onrampHttpMetrics?: HttpMetricsState };

function state(): HttpMetricsState {
  if (!globalState.__onrampHttpMetrics) {
    const registry = new Registry();
    const duration = new Histogram({
      name: "onramp_http_request_duration_seconds",
      help: "API request duration in this web process, by method, route template and status.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    globalState.__onrampHttpMetrics = { registry, duration };
  }
  return globalState.__onrampHttpMetrics;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The histogram's child per label set (bounded, as the labels are): `labels()` hashes them on every call. */
const children = new Map<string, Histogram.Internal<"method" | "route" | "status">>();

export function recordHttpRequest(method: string, route: string, status: number, durationMs: number): void {
  const m = METHODS.has(method) ? method : "OTHER";
  const key = `${m} ${status} ${route}`;
  let child = children.get(key);
  if (!child) {
    child = state().duration.labels(m, route, String(status));
    children.set(key, child);
  }
  child.observe(durationMs / 1000);
}

export function httpMetricsRegistry(): Registry {
  return state().registry;
}
