import "server-only";
// Reads the health of sessions' active runs (for session responses and the list), and the
// list filter `health=…` in SQL terms that match deriveHealth.
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { deriveHealth, type HealthStatus, type RunHealthView } from "./health";
import { STALL_AFTER_MS, STEP_OVER_BUDGET_GRACE_MS, STEP_TIMEOUT_MS } from "./definitions";

const ACTIVE = ["queued", "running"] as const;

/** The health of each session's active run (the newest, when a session has two). */
export async function activeRunHealth(sessionIds: string[], now = new Date()): Promise<Map<string, RunHealthView>> {
  const out = new Map<string, RunHealthView>();
  if (sessionIds.length === 0) return out;
  const runs = await db().operationRun.findMany({
    where: { sessionId: { in: sessionIds }, status: { in: [...ACTIVE] } },
    orderBy: [{ createdAt: "asc" }],
    include: { steps: { orderBy: { position: "asc" } }, attempts: { orderBy: { startedAt: "desc" }, take: 1 } },
  });
  for (const run of runs) {
    const health = deriveHealth(run, run.steps, run.attempts[0] ?? null, now);
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
