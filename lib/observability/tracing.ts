// OpenTelemetry tracing. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then every helper here
// returns at once without touching the API (no spans, no context propagation, no extra query).
// On, one trace follows a run: the API request that started it (its traceparent is stored on
// the OperationRun) → each queue job that works on it → each step → each provider call.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  isSpanContextValid,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { env } from "@/lib/env/env";

const state = ((
  globalThis as { __onrampTracing?: { enabled: boolean; shutdown?: () => Promise<void> } }
).__onrampTracing ??= {
  enabled: false,
});

export function tracingEnabled(): boolean {
  return state.enabled;
}

/**
 * Registers the SDK (AsyncLocalStorage context, W3C propagation, OTLP/HTTP batch exporter) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK is imported only then, so an untraced process
 * never loads it. Returns whether tracing is on.
 */
export async function startTracing(defaultServiceName: string): Promise<boolean> {
  if (state.enabled) return true;
  if (!env("OTEL_EXPORTER_OTLP_ENDPOINT")) return false;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
  // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself (and appends /v1/traces).
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env("OTEL_SERVICE_NAME") ?? defaultServiceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  state.enabled = true;
  state.shutdown = () => provider.shutdown();
  return true;
}

/** Tests: a provider registered by the caller (an in-memory exporter) turns the helpers on. */
export function enableTracingForTests(enabled: boolean): void {
  state.enabled = enabled;
}

/** Flushes what is buffered and turns tracing off (at process shutdown). */
export async function stopTracing(): Promise<void> {
  state.enabled = false;
  await state.shutdown?.().catch(() => undefined);
  state.shutdown = undefined;
}

const tracer = () => trace.getTracer("onramp");

/**
 * Runs `fn` inside a new active span (a child of `parent`, else of the active context), ending
 * it with the error status when `fn` throws. With tracing off, just runs `fn`.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span | null) => Promise<T>,
  opts: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  if (!state.enabled) return fn(null);
  return tracer().startActiveSpan(
    name,
    { attributes, kind: opts.kind ?? SpanKind.INTERNAL },
    opts.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message.slice(0, 200) : undefined,
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The W3C traceparent of the active span (stored on a run so its worker continues the trace). */
export function currentTraceparent(): string | null {
  if (!state.enabled) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The trace id inside a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string): string {
  return traceparent.split("-")[1] ?? "";
}

/** The context a stored or received traceparent describes (the root context when there is none). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** `{ traceId, spanId }` of the active span, for log lines; empty when there is none. */
export function traceFields(): { traceId?: string; spanId?: string } {
  if (!state.enabled) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const sc = span.spanContext();
  return isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId } : {};
}

export { SpanKind };
