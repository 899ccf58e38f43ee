import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { encodeCursor, keysetWhere } from "@/lib/api/cursor";
import type { z } from "zod";
import type { listOnboardingQuery } from "./schemas";
import { serializeSession } from "./serialize";

export async function listOnboardings(workspaceId: string, query: z.infer<typeof listOnboardingQuery>) {
  const where: Prisma.OnboardingSessionWhereInput = {
    workspaceId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.lifecycle ? { lifecycleState: query.lifecycle } : {}),
    ...(query.q
      ? { OR: [{ platformName: { contains: query.q, mode: "insensitive" } }, { slug: { contains: query.q.toLowerCase() } }] }
      : {}),
    ...keysetWhere(query.cursor),
  };
  const rows = await db().onboardingSession.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(serializeSession),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

export async function auditTrail(targetId: string, opts: { cursor?: string; limit: number }) {
  const rows = await db().auditEvent.findMany({
    where: {
      OR: [{ targetType: "onboarding_session", targetId }, { targetType: "operation_run", targetId: { in: await runIds(targetId) } }],
      ...keysetWhere(opts.cursor),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((e) => ({
      id: e.id,
      action: e.action,
      actor: { userId: e.actorUserId, tokenId: e.actorTokenId, label: e.actorLabel },
      targetType: e.targetType,
      targetId: e.targetId,
      fromVersion: e.fromVersion,
      toVersion: e.toVersion,
      reason: e.reason,
      data: e.data,
      createdAt: e.createdAt.toISOString(),
    })),
    nextCursor: rows.length > opts.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

async function runIds(sessionId: string): Promise<string[]> {
  const runs = await db().operationRun.findMany({ where: { sessionId }, select: { id: true } });
  return runs.map((r) => r.id);
}
