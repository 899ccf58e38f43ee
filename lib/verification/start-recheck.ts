import "server-only";
// POST /onboarding/:id/verify-access/recheck: starts a re-check of one check of the latest
// verification. Whether it may start comes from lib/onboarding/actions.ts (`recheckAccess`).
import { db } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/api/errors";
import type { Actor } from "@/lib/auth/actor";
import type { VersionSource } from "@/lib/onboarding/mutate-session";
import type { AccessCheck } from "@/lib/providers/types";
import type { Prisma } from "@/lib/generated/prisma/client";
import { startRun, type StartResult } from "@/lib/runs/start-run";
import type { RecheckTarget } from "./recheck-access";

export async function startRecheck(
  actor: Actor,
  sessionId: string,
  checkKey: string,
  base: { expectedVersion: number; versionSource: VersionSource },
): Promise<StartResult> {
  const verify = await db().operationRun.findFirst({
    where: { sessionId, kind: "verify_access" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, workspaceId: true, report: true },
  });
  // Membership and role are checked by startRun; without a verification there is nothing to re-check.
  const checks = ((verify?.report as { checks?: AccessCheck[] } | null)?.checks ?? []).map((c) => c.key);
  if (verify && !checks.includes(checkKey) && actor.memberships.some((m) => m.workspaceId === verify.workspaceId)) {
    throw new ApiError("validation_failed", `The latest verification has no check "${checkKey}".`, {
      fields: [{ field: "checkKey", message: `One of: ${checks.join(", ") || "(no checks)"}` }],
    });
  }
  const session = await db().onboardingSession.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound("Onboarding");
  const target: RecheckTarget = { verifyRunId: verify?.id ?? "", checkKey };
  return startRun(actor, session, "recheck_access", base, { target } as unknown as Prisma.InputJsonValue);
}
