import "server-only";
// The verification assist's Re-check: one check of the latest Verify Access report, run again
// as a short `recheck_access` run, and written back into that report in place. The run's
// initial report names its target ({ target: { verifyRunId, checkKey } }); its one step runs the
// provider side that owns the check and keeps that check's new result; when the run succeeds,
// the verification's report and steps get the new line, its outcome follows (blocked ↔
// succeeded) and — because this runs inside the session mutation that finishes the run — the
// session's lifecycle is recalculated from it in the same transaction.
import type { Tx } from "@/lib/db/client";
import type { OperationRun, Prisma } from "@/lib/generated/prisma/client";
import { ProviderError, type AccessCheck } from "@/lib/providers/types";
import type { StepContext } from "@/lib/runs/steps";
import { db } from "@/lib/db/client";

export interface RecheckTarget {
  verifyRunId: string;
  checkKey: string;
}

/** Which verify_access step (and so which provider side) produced each check. */
const SIDE_OF_STEP = { check_infrastructure: "infra", check_repository: "repo" } as const;

export function targetOf(run: Pick<OperationRun, "report">): RecheckTarget | null {
  const target = (run.report as { target?: Partial<RecheckTarget> } | null)?.target;
  return target?.verifyRunId && target.checkKey ? { verifyRunId: target.verifyRunId, checkKey: target.checkKey } : null;
}

const checksOfStep = (result: unknown): AccessCheck[] => (result as { checks?: AccessCheck[] } | null)?.checks ?? [];

/** The step: asks the provider side that owns the check, keeps that one check. */
export async function recheckStep({ run, providers, ctx }: StepContext): Promise<Record<string, unknown>> {
  const target = targetOf(run);
  if (!target) throw new ProviderError("recheck_target_missing", "This re-check does not name a check.");
  const steps = await db().operationRunStep.findMany({
    where: { runId: target.verifyRunId },
    select: { key: true, result: true },
  });
  const owner = steps.find((s) => checksOfStep(s.result).some((c) => c.key === target.checkKey));
  const side = owner ? SIDE_OF_STEP[owner.key as keyof typeof SIDE_OF_STEP] : undefined;
  if (!side) throw new ProviderError("recheck_check_unknown", `The verification has no check "${target.checkKey}".`);
  ctx.log(`Re-checking ${target.checkKey}`);
  // Providers check a side as a whole (later checks depend on earlier answers); only the one line is kept.
  const check = (await providers[side].verifyAccess(ctx)).find((c) => c.key === target.checkKey);
  if (!check)
    throw new ProviderError("recheck_check_unknown", `The provider no longer reports a check "${target.checkKey}".`);
  ctx.log(`${check.label}: ${check.status}`);
  return { check, step: owner!.key };
}

/**
 * Writes the re-check's result into its verification, inside the transaction that finishes the
 * re-check. A verification that is no longer the session's latest is left alone.
 */
export async function applyRecheckInTx(
  tx: Tx,
  recheck: OperationRun & { steps: { key: string; result: unknown }[] },
): Promise<void> {
  const target = targetOf(recheck);
  const produced = recheck.steps.find((s) => s.key === "recheck")?.result as {
    check?: AccessCheck;
    step?: string;
  } | null;
  if (!target || !produced?.check || !produced.step) return;
  const latest = await tx.operationRun.findFirst({
    where: { sessionId: recheck.sessionId, kind: "verify_access" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: { steps: true },
  });
  if (!latest || latest.id !== target.verifyRunId || latest.status !== "completed") return;
  const fresh = produced.check;
  const replace = (checks: AccessCheck[]) => checks.map((c) => (c.key === fresh.key ? fresh : c));
  const step = latest.steps.find((s) => s.key === produced.step);
  if (step) {
    await tx.operationRunStep.update({
      where: { id: step.id },
      data: {
        result: {
          ...((step.result as object | null) ?? {}),
          checks: replace(checksOfStep(step.result)),
        } as unknown as Prisma.InputJsonValue,
      },
    });
  }
  const report = (latest.report ?? {}) as { checks?: AccessCheck[] } & Record<string, unknown>;
  const checks = replace(report.checks ?? []);
  const before = (report.checks ?? []).find((c) => c.key === fresh.key)?.status;
  const blocked = checks.some((c) => c.status === "fail");
  await tx.operationRun.update({
    where: { id: latest.id },
    data: {
      report: { ...report, checks, recheckedAt: new Date().toISOString() } as unknown as Prisma.InputJsonValue,
      ...(latest.outcome === "blocked" || latest.outcome === "succeeded"
        ? { outcome: blocked ? "blocked" : "succeeded", reasonCode: blocked ? "access_blocked" : null }
        : {}),
    },
  });
  await tx.operationRunLog.create({
    data: {
      runId: latest.id,
      level: "info",
      message: `Re-check of ${fresh.label}: ${before ?? "?"} → ${fresh.status} (run ${recheck.id})`,
    },
  });
}
