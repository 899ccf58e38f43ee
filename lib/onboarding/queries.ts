import "server-only";
import { db } from "@/lib/db/client";
import { sqlRead, type RawTx } from "@/lib/db/sql";
import { Prisma, type OnboardingSession } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { encodeCursor, keysetWhere } from "@/lib/api/cursor";
import { authorize, type Actor } from "@/lib/auth/actor";
import { notFound } from "@/lib/api/errors";
import type { z } from "zod";
import type { listOnboardingQuery } from "./schemas";
import { latestByKind, type ActionRun, type LatestRuns } from "./actions";
import { serializeSession, type SessionView } from "./serialize";
import { activeRunHealth, healthFilter } from "@/lib/runs/health-query";
import type { RunHealthView } from "@/lib/runs/health";

type LatestRunRow = ActionRun & { kind: string };

const SESSION_COLUMNS = columnList(Prisma.OnboardingSessionScalarFieldEnum, "s");

/** The newest run of each kind of the session `sessionRef` names (a parameter or a column). */
const latestRunRows = (sessionRef: string) =>
  `SELECT DISTINCT ON (o."kind") o."id", o."kind"::text AS "kind", o."status"::text AS "status", o."outcome"::text AS "outcome"
   FROM "OperationRun" o WHERE o."sessionId" = ${sessionRef}
   ORDER BY o."kind", o."createdAt" DESC, o."id" DESC`;

/** The session ($1), the row as Prisma's findUnique gives it, without its query compiler. */
export const SESSION_BY_ID_SQL = `SELECT ${SESSION_COLUMNS} FROM "OnboardingSession" s WHERE s."id" = $1`;

/** The session ($1) with its newest run of each kind (`latestRuns`, for latestByKind) in one statement. */
export const SESSION_WITH_RUNS_SQL = `SELECT ${SESSION_COLUMNS}, COALESCE((SELECT json_agg(r) FROM (${latestRunRows('s."id"')}) r), '[]'::json) AS "latestRuns"
     FROM "OnboardingSession" s WHERE s."id" = $1`;
export type SessionWithRunsRow = OnboardingSession & { latestRuns: LatestRunRow[] };

/**
 * The session and the newest run of each kind in one statement: GET /onboarding/:id answers
 * `actions` from them without a second round trip (the wizard polls it). No access check: the
 * route wrapper authorizes against the session's workspace (lib/api/record-access.ts).
 */
export async function loadSessionWithRuns(
  id: string,
): Promise<{ session: OnboardingSession; runs: LatestRuns; health: RunHealthView | null } | null> {
  // Through plain pg (lib/db/sql.ts): every GET of a session pays for this read.
  const rows = await sqlRead<SessionWithRunsRow>(SESSION_WITH_RUNS_SQL, [id]);
  if (!rows[0]) return null;
  const { latestRuns: runRows, ...session } = rows[0];
  return { session, runs: latestByKind(runRows), health: await healthOf(session.id, runRows) };
}

/** The session as `actor` sees it (their role decides its `actions`); 404 outside their workspaces. */
export async function loadSessionView(actor: Actor, id: string): Promise<SessionView> {
  const loaded = await loadSessionWithRuns(id);
  if (!loaded) throw notFound("Onboarding");
  const { role } = authorize(actor, loaded.session.workspaceId, "view", "Onboarding");
  return { ...loaded, role };
}

/** The newest run of each kind (ids and states only), inside a transaction or not. */
export async function latestRunsOf(client: Pick<RawTx, "$queryRawUnsafe">, sessionId: string): Promise<LatestRuns> {
  return latestByKind(await client.$queryRawUnsafe<LatestRunRow[]>(latestRunRows("$1"), sessionId));
}

/**
 * What a single-session response needs after a write: the caller's role and the runs as they
 * are now (committed: read through the pg pool, like a GET).
 */
export async function viewAfterWrite(actor: Actor, session: OnboardingSession): Promise<SessionView> {
  const { role } = authorize(actor, session.workspaceId, "view", "Onboarding");
  const runs = await sqlRead<LatestRunRow>(latestRunRows("$1"), [session.id]);
  return { session, runs: latestByKind(runs), role, health: await healthOf(session.id, runs) };
}

/** Only a session with an active run pays for the health read (the wizard polls). */
async function healthOf(sessionId: string, runs: { status: string }[]) {
  if (!runs.some((r) => r.status === "queued" || r.status === "running")) return null;
  return (await activeRunHealth([sessionId])).get(sessionId) ?? null;
}

export async function listOnboardings(workspaceId: string, query: z.infer<typeof listOnboardingQuery>) {
  const where: Prisma.OnboardingSessionWhereInput = {
    workspaceId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.lifecycle ? { lifecycleState: query.lifecycle } : {}),
    // Both filters are conditions on the session's runs: combined with AND, neither replaces the other.
    AND: [
      ...(query.reasonCode ? [{ runs: { some: { reasonCode: query.reasonCode } } }] : []),
      ...(query.health ? [healthFilter(query.health)] : []),
    ],
    ...(query.q
      ? {
          OR: [
            { platformName: { contains: query.q, mode: "insensitive" } },
            { slug: { contains: query.q.toLowerCase() } },
          ],
        }
      : {}),
    ...keysetWhere(query.cursor),
  };
  const rows = await db().onboardingSession.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const health = await activeRunHealth(page.map((s) => s.id));
  return {
    items: page.map((s) => serializeSession(s, health.get(s.id))),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

export async function auditTrail(targetId: string, opts: { cursor?: string; limit: number }) {
  const rows = await db().auditEvent.findMany({
    where: {
      OR: [
        { targetType: "onboarding_session", targetId },
        { targetType: "operation_run", targetId: { in: await runIds(targetId) } },
      ],
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
      data: (e.data ?? {}) as Record<string, unknown>,
      createdAt: e.createdAt.toISOString(),
    })),
    nextCursor: rows.length > opts.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

async function runIds(sessionId: string): Promise<string[]> {
  const runs = await db().operationRun.findMany({ where: { sessionId }, select: { id: true } });
  return runs.map((r) => r.id);
}
