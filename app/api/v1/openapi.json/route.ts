// GET /api/v1/openapi.json — generated from the route declarations in lib/api/routes (public)
import { handle } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { buildOpenApi } from "@/lib/api/openapi";

let cached: string | null = null;

export const GET = handle(routes.getOpenApi, async () => {
  cached ??= JSON.stringify(buildOpenApi());
  return new Response(cached, {
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
});
