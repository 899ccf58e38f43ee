import "server-only";
// Spans of a run's execution: each queue job that works on it (a child of the request that
// started the run, through OperationRun.traceparent), each step attempt, each provider call.
// With tracing off each helper calls straight through (no query, no proxy, no span).
import { SpanKind } from "@opentelemetry/api";
import { db } from "@/lib/db/client";
import { contextFromTraceparent, tracingEnabled, withSpan } from "./tracing";

export async function traceRunJob(runId: string, fn: () => Promise<void>): Promise<void> {
  if (!tracingEnabled()) return fn();
  const run = await db().operationRun.findUnique({ where: { id: runId }, select: { traceparent: true, kind: true } });
  return withSpan(
    `run ${run?.kind ?? "unknown"}`,
    { "onramp.run.id": runId, "onramp.run.kind": run?.kind ?? "unknown", "messaging.operation.type": "process" },
    () => fn(),
    { kind: SpanKind.CONSUMER, parent: contextFromTraceparent(run?.traceparent) },
  );
}

export function withStepSpan<T>(kind: string, stepKey: string, attempt: number, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  return withSpan(
    `step ${stepKey}`,
    { "onramp.run.kind": kind, "onramp.step.key": stepKey, "onramp.step.attempt": attempt },
    () => fn(),
  );
}

/**
 * The provider with each method call wrapped in a CLIENT span `provider <kind>.<method>`.
 * Methods are called on the provider itself (not the proxy), so private fields keep working.
 */
export function tracedProvider<P extends { kind: string }>(provider: P): P {
  if (!tracingEnabled()) return provider;
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      return (...args: unknown[]) =>
        withSpan(
          `provider ${target.kind}.${prop}`,
          { "onramp.provider": target.kind, "onramp.provider.operation": prop },
          async () => (value as (...a: unknown[]) => unknown).apply(target, args),
          { kind: SpanKind.CLIENT },
        );
    },
  });
}
