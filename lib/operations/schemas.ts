// GET /api/v1/operation-runs: every run of the workspace, newest first, filtered by kind, status, outcome.
import { z } from "zod";
import { RUN_KINDS, RUN_OUTCOMES, RUN_STATUSES } from "@/lib/runs/run-schemas";

export const listOperationRunsQuery = z.strictObject({
  kind: z.enum(RUN_KINDS).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  outcome: z.enum(RUN_OUTCOMES).optional(),
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id")
    .optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  workspace: z.string().max(100).optional(),
});
export type ListOperationRunsQuery = z.infer<typeof listOperationRunsQuery>;

export const operationRunListItem = z
  .object({
    id: z.string(),
    kind: z.enum(RUN_KINDS),
    status: z.enum(RUN_STATUSES),
    outcome: z.enum(RUN_OUTCOMES).nullable(),
    reasonCode: z.string().nullable(),
    /** healthy | retrying | stalled while active (null once finished, or before health is tracked). */
    health: z.string().nullable(),
    healthReason: z.string().nullable(),
    attempt: z.number().int(),
    session: z.object({ id: z.string(), platformName: z.string(), slug: z.string() }),
    initiator: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** Started → finished, or → now while it runs; null before it starts. */
    durationMs: z.number().int().nullable(),
  })
  .meta({ id: "OperationRunListItem" });

export const operationRunListResponse = z
  .object({ items: z.array(operationRunListItem), nextCursor: z.string().nullable() })
  .meta({ id: "OperationRunPage" });
