import "server-only";
// GET /api/v1/insights: the Insights page's data for one workspace over 7, 30 or 90 days.
import { z } from "zod";
import { checkpointDurations, funnel, runsPerDay, stepDurations, topReasonCodes } from "./queries";

export const INSIGHT_WINDOWS = [7, 30, 90] as const;

export const insightsQuery = z.strictObject({
  days: z.enum(["7", "30", "90"], { error: "7, 30 or 90" }).default("30").transform(Number),
  workspace: z.string().max(100).optional(),
});

export async function getInsights(workspaceId: string, days: number, now = new Date()) {
  const since = new Date(now.getTime() - days * 86_400_000);
  const window = { workspaceId, since };
  const [funnelRows, steps, checkpoints, reasons, perDay] = await Promise.all([
    funnel(window),
    stepDurations(window),
    checkpointDurations(window),
    topReasonCodes(window),
    runsPerDay(window, now),
  ]);
  return {
    days,
    since: since.toISOString(),
    until: now.toISOString(),
    funnel: funnelRows,
    stepDurations: steps,
    checkpointDurations: checkpoints,
    reasonCodes: reasons,
    runsPerDay: perDay,
  };
}

export type Insights = Awaited<ReturnType<typeof getInsights>>;
