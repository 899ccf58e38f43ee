import "server-only";
// GET /api/v1/insights: the Insights page's data for one workspace over 7, 30 or 90 days.
import { checkpointDurations, funnel, runsPerDay, stepDurations, topReasonCodes } from "./queries";

export async function getInsights(workspaceId: string, days: 7 | 30 | 90, now = new Date()) {
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
