// GET /api/v1/openapi.json — generated from the zod schemas that validate requests (public)
import { buildOpenApi } from "@/lib/api/openapi";

let cached: string | null = null;

export function GET() {
  cached ??= JSON.stringify(buildOpenApi());
  return new Response(cached, { headers: { "content-type": "application/json", "cache-control": "public, max-age=300" } });
}
