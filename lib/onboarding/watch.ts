import "server-only";
// GET /onboarding/:id/watch: a wizard tab's one poll. The tag is one statement over what the
// tab shows (the session's version, its runs' states and health — stored, and derived from the
// clock as deriveHealth does: stalled — the active runs' steps, the newest log line of the log
// run, the caller's newest notification), so a tick that changed nothing costs the caller's
// resolution, that statement and a 304. Only a changed tag reads the whole representation.
// Elapsed times in the health line are extrapolated by the browser between answers.
import type { z } from "zod";
import { sqlRead } from "@/lib/db/sql";
import type { Role } from "@/lib/auth/capabilities";
import { loadSessionWithRuns } from "./queries";
import { serializeSessionView } from "./serialize";
import { serializeLog, serializeRun } from "@/lib/runs/serialize";
import { WATCH_CURSOR, type watchResponse } from "./watch-schemas";
import { notFound } from "@/lib/api/errors";
import { stepsJson, withStepDates, type RunWithSteps } from "@/lib/runs/run-rows";
import { Prisma, type OperationRunLog } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { STALL_AFTER_MS, STEP_OVER_BUDGET_GRACE_MS, STEP_TIMEOUT_MS } from "@/lib/runs/definitions";

export interface WatchTag {
  id: string;
  workspaceId: string;
  /** A digest of everything the watch representation shows (role aside). */
  digest: string;
  /** The run whose log the representation carries. */
  logRunId: string | null;
  /** The caller's newest notification in the session's workspace (the bell refreshes when it moves). */
  notifiedAt: Date | null;
}

/** The record loader of the watch route: authorizes (workspaceId) and tags in one statement. */
export async function loadWatchTag(id: string, userId: string): Promise<WatchTag | null> {
  const rows = await sqlRead<WatchTag>(
    `
    WITH s AS (SELECT "id", "workspaceId", "version", "updatedAt" FROM "OnboardingSession" WHERE "id" = $1),
    o AS (
      SELECT r."id", r."status", r."createdAt", concat_ws(':', r."id", r."status", r."outcome", r."reasonCode", r."attempt", r."health", r."healthReason",
             r."nextAttemptAt", r."cancelRequestedAt", r."startedAt", r."finishedAt",
             -- Health derived from the clock (lib/runs/health.ts deriveHealth): a run that goes
             -- silent, or a step past its budget, changes the answer although no row changed.
             CASE WHEN r."status" <> 'completed' AND (
               (now() AT TIME ZONE 'UTC') - COALESCE(r."heartbeatAt", r."createdAt") > $3 * interval '1 millisecond'
               OR EXISTS (SELECT 1 FROM "OperationRunAttempt" a WHERE a."runId" = r."id" AND a."finishedAt" IS NULL
                          AND (now() AT TIME ZONE 'UTC') - a."startedAt" > $4 * interval '1 millisecond')
             ) THEN 'stalled' END) AS "fp"
      FROM "OperationRun" r WHERE r."sessionId" = $1
    ),
    lr AS (SELECT "id" FROM o ORDER BY ("status" <> 'completed') DESC, "createdAt" DESC, "id" DESC LIMIT 1),
    n AS (
      SELECT max("createdAt") AS "at" FROM "Notification"
      WHERE "userId" = $2 AND "workspaceId" = (SELECT "workspaceId" FROM s)
    )
    SELECT s."id", s."workspaceId", (SELECT "id" FROM lr) AS "logRunId", (SELECT "at" FROM n) AS "notifiedAt",
      md5(concat_ws('|', s."version", s."updatedAt", (SELECT "at" FROM n),
        (SELECT string_agg(o."fp", ',' ORDER BY o."createdAt" DESC, o."id" DESC) FROM o),
        (SELECT string_agg(concat_ws(':', st."runId", st."key", st."status", st."attempts", st."startedAt", st."finishedAt"), ',' ORDER BY st."runId", st."position")
           FROM "OperationRunStep" st JOIN o ON o."id" = st."runId" WHERE o."status" <> 'completed'),
        (SELECT "id" FROM lr),
        (SELECT max(l."id") FROM "OperationRunLog" l WHERE l."runId" = (SELECT "id" FROM lr))
      )) AS "digest"
    FROM s`,
    [id, userId, STALL_AFTER_MS, STEP_TIMEOUT_MS + STEP_OVER_BUDGET_GRACE_MS],
  );
  return rows[0] ?? null;
}

/** The ETag of a watch answer: the digest as this role sees it (`actions` differ by role). */
export const watchEtag = (tag: Pick<WatchTag, "digest">, role: Role) => `"w${tag.digest}-${role}"`;

export type WatchResponse = z.infer<typeof watchResponse>;

const RUN_COLUMNS = columnList(Prisma.OperationRunScalarFieldEnum, "r");
const LOG_COLUMNS = columnList(Prisma.OperationRunLogScalarFieldEnum);

/** The whole representation; the log after `logAfter` when it names the log run, else from its start. */
export async function loadWatch(tag: WatchTag, role: Role, logAfter: string | undefined): Promise<WatchResponse> {
  const cursor = logAfter ? WATCH_CURSOR.exec(logAfter) : null;
  const after = cursor && cursor[1] === tag.logRunId ? BigInt(cursor[2]) : null;
  const [loaded, runs, lines] = await Promise.all([
    loadSessionWithRuns(tag.id),
    sqlRead<RunWithSteps>(
      `SELECT ${RUN_COLUMNS}, ${stepsJson("r")} FROM "OperationRun" r WHERE r."sessionId" = $1
       ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 50`,
      [tag.id],
    ).then((rows) => rows.map(withStepDates)),
    tag.logRunId
      ? sqlRead<OperationRunLog>(
          `SELECT ${LOG_COLUMNS} FROM "OperationRunLog" WHERE "runId" = $1 AND ($2::bigint IS NULL OR "id" > $2::bigint)
           ORDER BY "id" LIMIT 500`,
          [tag.logRunId, after === null ? null : after.toString()],
          // pg reads a bigint as text
        ).then((rows) => rows.map((l) => ({ ...l, id: BigInt(l.id) })))
      : Promise.resolve([]),
  ]);
  if (!loaded) throw notFound("Onboarding");
  const last = lines.at(-1)?.id ?? after;
  return {
    session: serializeSessionView({ ...loaded, role }),
    runs: runs.map(serializeRun),
    notifications: { latestAt: tag.notifiedAt?.toISOString() ?? null },
    log: tag.logRunId
      ? {
          runId: tag.logRunId,
          lines: lines.map(serializeLog),
          cursor: last !== null ? `${tag.logRunId}.${last}` : null,
        }
      : null,
  };
}
