// The server span of an API request: continues the caller's W3C traceparent when one is sent,
// named by the declared route template so spans group per route. With tracing off, the handler as is.
import { context, propagation, SpanKind } from "@opentelemetry/api";
import type { NextRequest } from "next/server";
import { tracingEnabled, withSpan } from "./tracing";

const headerGetter = {
  keys: (h: Headers) => [...h.keys()],
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
};

export function withRequestSpan<C>(route: string, handler: (req: NextRequest, routeContext: C) => Promise<Response>) {
  return (req: NextRequest, routeContext: C): Promise<Response> => {
    if (!tracingEnabled()) return handler(req, routeContext);
    const parent = propagation.extract(context.active(), req.headers, headerGetter);
    return withSpan(
      `${req.method} ${route}`,
      { "http.request.method": req.method, "http.route": route },
      async (span) => {
        const res = await handler(req, routeContext);
        span?.setAttribute("http.response.status_code", res.status);
        return res;
      },
      { kind: SpanKind.SERVER, parent },
    );
  };
}
