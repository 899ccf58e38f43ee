// GET /api/metrics — Prometheus text format, for a scraper sending `Authorization: Bearer
// $METRICS_TOKEN`. Not an /api/v1 route (no user, no workspace, its own token), so it does not
// go through apiRoute: 404 while METRICS_TOKEN is unset (off by default), 401 for a wrong token.
import { metricsAccess, renderMetrics } from "@/lib/observability/metrics";
import { errorFields, log } from "@/lib/log/logger";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const access = metricsAccess(req.headers.get("authorization"));
  if (access === "not_configured")
    return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });
  if (access === "unauthorized") {
    return new Response("Send Authorization: Bearer <METRICS_TOKEN>\n", {
      status: 401,
      headers: { "content-type": "text/plain", "www-authenticate": 'Bearer realm="onramp-metrics"' },
    });
  }
  try {
    const { body, contentType } = await renderMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    log.error(errorFields(err), "metrics collection failed");
    return new Response("Metrics unavailable\n", { status: 503, headers: { "content-type": "text/plain" } });
  }
}
