import "server-only";
import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/db/ids";
import { utcTimestamp } from "@/lib/db/sql";

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

/**
 * Append-only; always called inside the transaction of the change it records. One raw INSERT:
 * every session write and every run start and end writes one (Prisma's create was most of its
 * cost — BENCHMARKS.md).
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" ("id", "workspaceId", "actorUserId", "actorTokenId", "actorLabel", "action", "targetType",
       "targetId", "fromVersion", "toVersion", "reason", "data", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::int, $11, $12::jsonb, $13::timestamp)`,
    newId(),
    entry.workspaceId,
    actor.userId ?? null,
    actor.tokenId ?? null,
    actor.label,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.fromVersion ?? null,
    entry.toVersion ?? null,
    entry.reason ?? null,
    entry.data === undefined ? null : JSON.stringify(entry.data),
    utcTimestamp(new Date()),
  );
}
