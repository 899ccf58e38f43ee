import "server-only";
// Runs with their steps in one statement through the plain pg pool (lib/db/sql.ts): the steps
// come as a JSON array, whose timestamps are text — `withStepDates` makes them Dates, so the
// rows are what Prisma's `include: { steps }` would give.
import type { OperationRun, OperationRunStep } from "@/lib/generated/prisma/client";

export type RunWithSteps = OperationRun & { steps: OperationRunStep[] };

/** The select-list item for the steps of the run aliased `alias`, in order. */
export const stepsJson = (alias: string) =>
  `COALESCE((SELECT json_agg(st ORDER BY st."position") FROM "OperationRunStep" st WHERE st."runId" = ${alias}."id"), '[]'::json) AS "steps"`;

/** A timestamp from a JSON column or json_build_object: text without a zone, UTC as stored. */
export const jsonTimestamp = (v: unknown) => (typeof v === "string" ? new Date(`${v}Z`) : (v as Date | null));

export function withStepDates(run: RunWithSteps): RunWithSteps {
  run.steps = run.steps.map((st) => ({
    ...st,
    startedAt: jsonTimestamp(st.startedAt),
    finishedAt: jsonTimestamp(st.finishedAt),
  }));
  return run;
}
