// GET /api/v1/insights?days=7|30|90 — funnel, step and checkpoint durations, top failure reason
// codes and runs per day for the caller's workspace
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { getInsights } from "@/lib/insights/get-insights";

export const GET = handle(routes.getInsights, async ({ workspace, query }) =>
  json(routes.getInsights, await getInsights(workspace.workspaceId, query.days)),
);
