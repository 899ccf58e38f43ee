// GET /api/v1/insights: the query and the response (no server-only imports: the browser's types come from here).
import { z } from "zod";

export const INSIGHT_WINDOWS = [7, 30, 90] as const;
export const FUNNEL_STAGES = ["identify", "connect", "verify_access", "bootstrap", "activate", "activated"] as const;

export const insightsQuery = z.strictObject({
  days: z
    .enum(["7", "30", "90"], { error: "7, 30 or 90" })
    .default("30")
    .transform((v) => Number(v) as 7 | 30 | 90),
  workspace: z.string().max(100).optional(),
});

const duration = z
  .object({ key: z.string(), medianSeconds: z.number(), p90Seconds: z.number(), samples: z.int() })
  .meta({ id: "InsightsDuration" });

export const insightsResponse = z
  .object({
    days: z.union([z.literal(7), z.literal(30), z.literal(90)]),
    since: z.iso.datetime(),
    until: z.iso.datetime(),
    funnel: z.array(z.object({ checkpoint: z.enum(FUNNEL_STAGES), reached: z.int() })).meta({
      description: "Onboardings created in the window by the furthest checkpoint they reached",
    }),
    stepDurations: z.array(duration).meta({ description: "Median and p90 per pipeline step (succeeded attempts)" }),
    checkpointDurations: z.array(duration).meta({ description: "Median and p90 per checkpoint" }),
    reasonCodes: z.array(z.object({ reasonCode: z.string(), runs: z.int(), onboardings: z.int() })),
    runsPerDay: z.array(
      z.object({
        day: z.string().meta({ description: "UTC day, YYYY-MM-DD" }),
        succeeded: z.int(),
        failed: z.int(),
        blocked: z.int(),
        cancelled: z.int(),
        active: z.int(),
      }),
    ),
  })
  .meta({ id: "Insights" });
