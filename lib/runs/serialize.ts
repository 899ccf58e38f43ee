import type { z } from "zod";
import type { OperationRun, OperationRunLog, OperationRunStep } from "@/lib/generated/prisma/client";
import type { runReportResponse, runResponse } from "./run-schemas";

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
    error: s.errorCode ? { code: s.errorCode, message: s.errorMessage, remediation: (s.result as { remediation?: string } | null)?.remediation ?? null } : null,
  };
}

export function serializeLog(l: OperationRunLog) {
  return { id: l.id.toString(), stepKey: l.stepKey, level: l.level, message: l.message, at: l.at.toISOString() };
}

export function serializeRun(r: OperationRun & { steps?: OperationRunStep[]; logs?: OperationRunLog[] }): z.infer<typeof runResponse> {
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
    ...(r.steps ? { steps: r.steps.map(serializeStep) } : {}),
    ...(r.logs ? { log: r.logs.map(serializeLog) } : {}),
  };
}
