// GET /api/v1/onboarding/slug-availability?slug= — format and availability, for the wizard
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { slugAvailability } from "@/lib/onboarding/slug-availability";

export const GET = handle(routes.checkSlugAvailability, async ({ workspace, query }) =>
  json(routes.checkSlugAvailability, await slugAvailability(workspace.workspaceId, query.slug, query.excludeId)),
);
