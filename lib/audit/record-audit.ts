import "server-only";
import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Who did it: an operator (cookie or token) or the system (a worker acting on a run). */
export interface AuditActor {
  userId?: string | null;
  tokenId?: string | null;
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { label: "system" };

export interface AuditEntry {
  workspaceId: string;
  action: string;
  targetType:
    | "onboarding_session"
    | "operation_run"
    | "platform"
    | "api_token"
    | "webhook_endpoint"
    | "membership"
    | "connection"
    | "invitation";
  targetId: string;
  fromVersion?: number | null;
  toVersion?: number | null;
  reason?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Append-only; always called inside the transaction of the change it records. */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      workspaceId: entry.workspaceId,
      actorUserId: actor.userId ?? null,
      actorTokenId: actor.tokenId ?? null,
      actorLabel: actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      fromVersion: entry.fromVersion ?? null,
      toVersion: entry.toVersion ?? null,
      reason: entry.reason ?? null,
      data: entry.data,
    },
  });
}
