// The API shape of a run's health (lib/runs/health.ts), for session and run responses.
import { z } from "zod";

export const runHealthResponse = z
  .object({
    runId: z.string(),
    runKind: z.string(),
    status: z.enum(["healthy", "retrying", "stalled"]),
    reason: z.string().nullable().meta({
      description:
        "e.g. retrying:github_rate_limited, stalled:no_heartbeat, stalled:not_picked_up, stalled:step_over_budget",
    }),
    stepKey: z.string().nullable(),
    stepLabel: z.string().nullable(),
    attempt: z.int().nullable().meta({ description: "Attempt of the current step (the next one while retrying)" }),
    maxAttempts: z.int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    stepElapsedMs: z.int().nullable(),
    stepBudgetMs: z.int(),
    lastProgressAt: z.iso.datetime(),
    silentForMs: z.int(),
  })
  .meta({
    id: "RunHealth",
    description:
      "Health of the active run, separate from its status: healthy, retrying (waiting for the next attempt of a step) or stalled (no progress). Null when no run is active.",
  });
