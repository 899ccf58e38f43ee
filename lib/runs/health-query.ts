import "server-only";
// Reads the health of sessions' active runs (for session responses and the list), and the
// list filter `health=…` in SQL terms that match deriveHealth.
import { sqlRead } from "@/lib/db/sql";
import { jsonTimestamp } from "./run-rows";
import type { Prisma } from "@/lib/generated/prisma/client";
import { deriveHealth, type HealthStatus, type RunHealthView } from "./health";
import { STALL_AFTER_MS, STEP_OVER_BUDGET_GRACE_MS, STEP_TIMEOUT_MS } from "./definitions";

const ACTIVE = ["queued", "running"] as const;

type HealthRow = Parameters<typeof deriveHealth>[0] & {
  sessionId: string;
  steps: Parameters<typeof deriveHealth>[1];
  latest: { stepKey: string; attempt: number; startedAt: string; finishedAt: string | null } | null;
};

/**
 * The health of each session's active run (the newest, when a session has two). One statement
 * through the pg pool (lib/db/sql.ts): every GET of a session with an active run, every watch
 * answer and every run start's response read it.
 */
export async function activeRunHealth(sessionIds: string[], now = new Date()): Promise<Map<string, RunHealthView>> {
  const out = new Map<string, RunHealthView>();
  if (sessionIds.length === 0) return out;
  const runs = await sqlRead<HealthRow>(
    `SELECT r."id", r."sessionId", r."kind"::text AS "kind", r."status"::text AS "status", r."health"::text AS "health",
       r."healthReason", r."nextAttemptAt", r."heartbeatAt", r."leaseOwner", r."createdAt",
       COALESCE((SELECT json_agg(json_build_object('key', st."key", 'label', st."label", 'status', st."status", 'attempts', st."attempts")
                   ORDER BY st."position") FROM "OperationRunStep" st WHERE st."runId" = r."id"), '[]'::json) AS "steps",
       (SELECT json_build_object('stepKey', a."stepKey", 'attempt', a."attempt", 'startedAt', a."startedAt", 'finishedAt', a."finishedAt")
          FROM "OperationRunAttempt" a WHERE a."runId" = r."id" ORDER BY a."startedAt" DESC LIMIT 1) AS "latest"
     FROM "OperationRun" r
     WHERE r."sessionId" = ANY($1::text[]) AND r."status" IN ('queued', 'running')
     ORDER BY r."createdAt" ASC`,
    [sessionIds],
  );
  for (const run of runs) {
    const latest = run.latest && {
      ...run.latest,
      startedAt: jsonTimestamp(run.latest.startedAt)!,
      finishedAt: jsonTimestamp(run.latest.finishedAt),
    };
    const health = deriveHealth(run, run.steps, latest, now);
    const previous = out.get(run.sessionId);
    // A stalled or retrying run says more than a healthy one beside it.
    if (health && (!previous || previous.status === "healthy")) out.set(run.sessionId, health);
  }
  return out;
}

/** `where` on OnboardingSession for `health=…` (the same rules as deriveHealth). */
export function healthFilter(health: HealthStatus, now = new Date()): Prisma.OnboardingSessionWhereInput {
  const silentBefore = new Date(now.getTime() - STALL_AFTER_MS);
  const overBudgetBefore = new Date(now.getTime() - STEP_TIMEOUT_MS - STEP_OVER_BUDGET_GRACE_MS);
  const stalled: Prisma.OperationRunWhereInput = {
    OR: [
      { heartbeatAt: { lt: silentBefore } },
      { heartbeatAt: null, createdAt: { lt: silentBefore } },
      { attempts: { some: { finishedAt: null, startedAt: { lt: overBudgetBefore } } } },
    ],
  };
  const active: Prisma.OperationRunWhereInput = { status: { in: [...ACTIVE] } };
  if (health === "stalled") return { runs: { some: { ...active, ...stalled } } };
  if (health === "retrying") return { runs: { some: { ...active, health: "retrying", NOT: stalled } } };
  return { runs: { some: { ...active, NOT: [stalled, { health: "retrying" }] } } };
}
