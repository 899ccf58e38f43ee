import "server-only";
// The Operations page's truth: every run of a workspace read from the database, newest first,
// keyset-paged over (createdAt desc, id desc) — the index OperationRun(workspaceId, createdAt desc, id).
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { encodeCursor, keysetWhere } from "@/lib/api/cursor";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ListOperationRunsQuery, operationRunListItem } from "./schemas";

type Item = z.infer<typeof operationRunListItem>;

export async function listOperationRuns(workspaceId: string, query: ListOperationRunsQuery, now = new Date()) {
  const where: Prisma.OperationRunWhereInput = {
    workspaceId,
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.sessionId ? { sessionId: query.sessionId } : {}),
    ...keysetWhere(query.cursor),
  };
  const rows = await db().operationRun.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    include: { session: { select: { id: true, platformName: true, slug: true } } },
  });
  const page = rows.slice(0, query.limit);
  const initiatorIds = [...new Set(page.map((r) => r.initiatorId).filter((id): id is string => !!id))];
  const users = initiatorIds.length
    ? await db().user.findMany({ where: { id: { in: initiatorIds } }, select: { id: true, email: true, name: true } })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const items: Item[] = page.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    outcome: r.outcome,
    reasonCode: r.reasonCode,
    health: r.status === "completed" ? null : (r.health ?? null),
    healthReason: r.status === "completed" ? null : (r.healthReason ?? null),
    attempt: r.attempt,
    session: r.session,
    initiator: r.initiatorId ? (byId.get(r.initiatorId) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.startedAt ? (r.finishedAt ?? now).getTime() - r.startedAt.getTime() : null,
  }));
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
}
