// GET /api/v1/onboarding/:id/resources — the resource ledger: what this onboarding created or adopted, with console links
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { listResources } from "@/lib/resources/list-resources";

export const GET = apiRoute({ params: idParams }, async ({ actor, params }) => {
  return json(await listResources(actor, params.id), { headers: { "cache-control": "no-cache" } });
});
