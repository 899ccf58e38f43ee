// GET /api/v1/onboarding/:id/resources — the resource ledger: what this onboarding created or adopted, with console links
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { listResources } from "@/lib/resources/list-resources";

export const GET = handle(routes.listOnboardingResources, async ({ actor, params }) =>
  json(routes.listOnboardingResources, await listResources(actor, params.id), {
    headers: { "cache-control": "no-cache" },
  }),
);
