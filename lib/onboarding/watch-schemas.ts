// The watch representation (GET /onboarding/:id/watch): everything a wizard tab shows while a
// checkpoint is active, in one conditional request per poll tick. No server-only imports: the
// browser's types are inferred from these.
import { z } from "zod";
import { sessionResponse } from "./schemas";
import { logLineResponse, runResponse } from "@/lib/runs/run-schemas";

/** `<runId>.<last line id>`: the cursor counts only for that run (another run's log starts over). */
export const WATCH_CURSOR = /^([A-Za-z0-9_-]{1,64})\.(\d{1,18})$/;

export const watchQuery = z.strictObject({
  logAfter: z
    .string()
    .regex(WATCH_CURSOR, "Expected <runId>.<line id>, as `log.cursor` of the previous answer")
    .optional(),
});

export const watchResponse = z
  .object({
    session: sessionResponse,
    runs: z
      .array(runResponse)
      .meta({ description: "The session's runs, newest first, with steps (at most 50), as GET /onboarding/:id/runs" }),
    notifications: z.object({ latestAt: z.iso.datetime().nullable() }).meta({
      description:
        "When the caller's newest notification of this workspace arrived: a tab refreshes its bell when it moves",
    }),
    log: z
      .object({
        runId: z
          .string()
          .meta({ description: "The run whose log this is: the newest active run, else the newest run" }),
        lines: z
          .array(logLineResponse)
          .meta({ description: "Up to 500 lines after ?logAfter= (from the start when the cursor names another run)" }),
        cursor: z
          .string()
          .nullable()
          .meta({ description: "Pass as ?logAfter= next time (null while the run has no lines)" }),
      })
      .nullable(),
  })
  .meta({ id: "OnboardingWatch" });
