import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/db/ids";
import { utcTimestamp, type RawTx } from "@/lib/db/sql";

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
export async function recordAudit(tx: RawTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const { sql, values } = auditInsertSql(actor, entry, 1);
  await tx.$executeRawUnsafe(sql, ...values);
}

/**
 * The audit row's INSERT … SELECT with its parameters numbered from `firstParam`, for a statement
 * that writes it beside its change (append ` FROM <cte>` to write it only when the change did).
 */
export function auditInsertSql(
  actor: AuditActor,
  entry: AuditEntry,
  firstParam: number,
): { sql: string; values: unknown[] } {
  const $ = (i: number) => `$${firstParam + i}`;
  return {
    sql: `INSERT INTO "AuditEvent" ("id", "workspaceId", "actorUserId", "actorTokenId", "actorLabel", "action", "targetType",
       "targetId", "fromVersion", "toVersion", "reason", "data", "createdAt")
     SELECT ${$(0)}::text, ${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::text, ${$(5)}::text, ${$(6)}::text,
       ${$(7)}::text, ${$(8)}::int, ${$(9)}::int, ${$(10)}::text, ${$(11)}::jsonb, ${$(12)}::timestamp`,
    values: [
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
    ],
  };
}
