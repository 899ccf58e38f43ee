import "server-only";
// GET /api/metrics's body: the aggregated view from PostgreSQL (db-metrics.ts, identical from
// every instance) plus this process's HTTP request histogram (http-metrics.ts), rendered by
// prom-client in the Prometheus text format.
import { createHash, timingSafeEqual } from "node:crypto";
import { Registry, type Metric } from "prom-client";
import { env } from "@/lib/env/env";
import {
  ATTEMPT_BUCKETS,
  collectDbMetrics,
  PICKUP_BUCKETS,
  STEP_BUCKETS,
  type CountRow,
  type HistogramRow,
} from "./db-metrics";
import { httpMetricsRegistry } from "./http-metrics";

type Value = { labels: Record<string, string | number>; value: number; metricName?: string };

/** A metric whose values were computed elsewhere (in SQL): prom-client only renders it. */
function snapshot(name: string, help: string, type: "counter" | "gauge" | "histogram", values: Value[]): Metric {
  return { name, get: async () => ({ name, help, type, values, aggregator: "sum" }) } as unknown as Metric;
}

const countValues = (rows: CountRow[]): Value[] => rows.map((r) => ({ labels: r.labels, value: r.value }));

function histogramValues(name: string, rows: HistogramRow[], bounds: readonly number[]): Value[] {
  return rows.flatMap((r) => [
    ...bounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...r.labels, le }, value: r.buckets[i] })),
    { metricName: `${name}_bucket`, labels: { ...r.labels, le: "+Inf" }, value: r.count },
    { metricName: `${name}_sum`, labels: r.labels, value: r.sum },
    { metricName: `${name}_count`, labels: r.labels, value: r.count },
  ]);
}

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const started = performance.now();
  const m = await collectDbMetrics();
  const registry = new Registry();
  const add = (metric: Metric) => registry.registerMetric(metric);
  add(snapshot("onramp_runs_started_total", "Operation runs created, by kind.", "counter", countValues(m.runsStarted)));
  add(
    snapshot(
      "onramp_runs_finished_total",
      "Operation runs finished, by kind and outcome.",
      "counter",
      countValues(m.runsFinished),
    ),
  );
  add(
    snapshot(
      "onramp_run_failures_total",
      "Runs that failed or were blocked, by kind and reason code.",
      "counter",
      countValues(m.runFailures),
    ),
  );
  add(
    snapshot(
      "onramp_step_failures_total",
      "Steps that failed, by kind, step and error code.",
      "counter",
      countValues(m.stepFailures),
    ),
  );
  add(
    snapshot(
      "onramp_runs_active",
      "Runs queued or running, by kind, status and health.",
      "gauge",
      countValues(m.runsActive),
    ),
  );
  add(
    snapshot(
      "onramp_runs_stalled",
      "Active runs whose health is stalled, by kind.",
      "gauge",
      countValues(m.runsStalled),
    ),
  );
  add(
    snapshot(
      "onramp_step_duration_seconds",
      "Duration of finished steps (first start to finish, retries included), by kind, provider, step and outcome.",
      "histogram",
      histogramValues("onramp_step_duration_seconds", m.stepDuration, STEP_BUCKETS),
    ),
  );
  add(
    snapshot(
      "onramp_run_pickup_seconds",
      "Time from a run's creation to a worker starting it, by kind.",
      "histogram",
      histogramValues("onramp_run_pickup_seconds", m.runPickup, PICKUP_BUCKETS),
    ),
  );
  add(
    snapshot(
      "onramp_queue_jobs",
      "Queue jobs waiting (created, retry) or in flight (active), by queue and state.",
      "gauge",
      countValues(m.queueDepth),
    ),
  );
  add(
    snapshot(
      "onramp_queue_oldest_ready_seconds",
      "Age of the oldest job ready to run but not yet picked up, by queue.",
      "gauge",
      countValues(m.queueOldestReady),
    ),
  );
  add(
    snapshot(
      "onramp_webhook_deliveries_total",
      "Webhook deliveries, by status (pending, succeeded, failed).",
      "counter",
      countValues(m.webhookDeliveries),
    ),
  );
  add(
    snapshot(
      "onramp_webhook_delivery_attempts",
      "Attempts per webhook delivery (1 = no retry), by status.",
      "histogram",
      histogramValues("onramp_webhook_delivery_attempts", m.webhookAttempts, ATTEMPT_BUCKETS),
    ),
  );
  add(
    snapshot("onramp_metrics_collect_seconds", "Time this scrape spent computing the database metrics.", "gauge", [
      { labels: {}, value: (performance.now() - started) / 1000 },
    ]),
  );
  const merged = Registry.merge([registry, httpMetricsRegistry()]);
  return { body: await merged.metrics(), contentType: registry.contentType };
}

export type MetricsAccess = "allowed" | "not_configured" | "unauthorized";

/** Bearer METRICS_TOKEN, compared in constant time; without the variable the endpoint is off. */
export function metricsAccess(authorization: string | null): MetricsAccess {
  const token = env("METRICS_TOKEN");
  if (!token) return "not_configured";
  const given = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) ? "allowed" : "unauthorized";
}
