// Insights: where the workspace's onboardings get stuck, over 7, 30 or 90 days.
import { defineRoute } from "@/lib/api/define-route";
import { insightsQuery, insightsResponse } from "@/lib/insights/schemas";

export const getInsights = defineRoute({
  method: "GET",
  path: "/api/v1/insights",
  tag: "Insights",
  summary:
    "Funnel by furthest checkpoint, median/p90 per step and checkpoint, top failure reasons, runs per day (?days=7|30|90)",
  access: { capability: "view", scope: "workspace" },
  query: insightsQuery,
  responses: { 200: insightsResponse },
  errors: [422],
});
