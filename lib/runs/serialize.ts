import "server-only";
import type { z } from "zod";
import type { runAttemptResponse, runReportResponse, runResponse } from "./run-schemas";
import type {
  OperationRun,
  OperationRunAttempt,
  OperationRunLog,
  OperationRunStep,
} from "@/lib/generated/prisma/client";
import { deriveHealth } from "./health";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function serializeStep(s: OperationRunStep) {
  const durationMs = s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null;
  return {
    key: s.key,
    label: s.label,
    status: s.status,
    attempts: s.attempts,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
    durationMs,
    result: s.status === "failed" ? null : ((s.result ?? null) as Record<string, unknown> | null),
    error: s.errorCode
      ? {
          code: s.errorCode,
          message: s.errorMessage,
          remediation: (s.result as { remediation?: string } | null)?.remediation ?? null,
        }
      : null,
  };
}

export function serializeLog(l: OperationRunLog) {
  return { id: l.id.toString(), stepKey: l.stepKey, level: l.level, message: l.message, at: l.at.toISOString() };
}

/** One attempt of one step, for the timeline. */
export function serializeAttempt(a: OperationRunAttempt): z.infer<typeof runAttemptResponse> {
  return {
    stepKey: a.stepKey,
    attempt: a.attempt,
    leaseGeneration: a.leaseGeneration,
    workerId: a.workerId,
    startedAt: a.startedAt.toISOString(),
    finishedAt: iso(a.finishedAt),
    outcome: a.outcome as z.infer<typeof runAttemptResponse>["outcome"],
    errorCode: a.errorCode,
    backoffMs: a.backoffMs,
  };
}

export function serializeRun(
  r: OperationRun & { steps?: OperationRunStep[]; logs?: OperationRunLog[]; attempts?: OperationRunAttempt[] },
): z.infer<typeof runResponse> {
  const latestAttempt =
    r.attempts?.reduce<OperationRunAttempt | null>((a, b) => (!a || b.startedAt >= a.startedAt ? b : a), null) ?? null;
  return {
    id: r.id,
    sessionId: r.sessionId,
    workspaceId: r.workspaceId,
    kind: r.kind,
    status: r.status,
    outcome: r.outcome,
    reasonCode: r.reasonCode,
    attempt: r.attempt,
    report: (r.report ?? null) as z.infer<typeof runReportResponse> | null,
    initiatorId: r.initiatorId,
    cancelRequestedAt: iso(r.cancelRequestedAt),
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    updatedAt: r.updatedAt.toISOString(),
    heartbeatAt: iso(r.heartbeatAt),
    leaseGeneration: r.leaseGeneration,
    health: deriveHealth(r, r.steps ?? [], latestAttempt),
    ...(r.steps ? { steps: r.steps.map(serializeStep) } : {}),
    ...(r.attempts
      ? {
          attempts: [...r.attempts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map(serializeAttempt),
        }
      : {}),
    ...(r.logs ? { log: r.logs.map(serializeLog) } : {}),
  };
}
