// GET /api/v1/insights?days=7|30|90 — funnel, step and checkpoint durations, top failure reason
// codes and runs per day for the caller's workspace
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { getInsights, insightsQuery } from "@/lib/insights/get-insights";

export const GET = apiRoute({ query: insightsQuery }, async ({ actor, req, query }) => {
  const membership = selectWorkspace(actor, req);
  authorize(actor, membership.workspaceId, "view", "Workspace");
  return json(await getInsights(membership.workspaceId, query.days));
});
