import "server-only";
// The one path for every write to an OnboardingSession: version check, the change, lifecycle
// recalculation, version bump guarded by `WHERE version = expected`, and the audit event —
// all in one transaction. A stale or concurrent write changes nothing. A run's step progress is
// the one other writer (lib/runs/step-attempt.ts): it moves `progress`, not `version`; a change
// that raced it is applied again here, unseen by the caller, since the version it was based on
// still holds.
import { db, type Tx } from "@/lib/db/client";
import { Prisma, type OnboardingSession } from "@/lib/generated/prisma/client";
import { sqlTransaction, utcTimestamp, type RawTx } from "@/lib/db/sql";
import { columnList } from "@/lib/db/statements";
import { ApiError, notFound } from "@/lib/api/errors";
import { auditInsertSql, type AuditActor, type AuditEntry } from "@/lib/audit/record-audit";
import { deriveLifecycle, type LifecycleRunInput } from "./lifecycle";
import { latestByKind, type LatestRuns } from "./actions";
import { SESSION_BY_ID_SQL, SESSION_WITH_RUNS_SQL, type SessionWithRunsRow } from "./queries";
import { recordWebhookEvent } from "@/lib/webhooks/outbox";
import { enqueueWebhookDelivery } from "@/lib/queue/queue";
import { errorFields, log } from "@/lib/log/logger";

export type VersionSource = "body" | "if-match";

/**
 * `T`: the transaction the change runs in — Prisma's (`mutateSession`), or a plain pg one for a
 * change whose statements are all raw (`mutateSessionSql`).
 */
export interface SessionChange<T extends RawTx = Tx> {
  sessionId: string;
  /** The version the caller based the write on; null for system writes (workers), which retry. */
  expectedVersion: number | null;
  versionSource?: VersionSource;
  actor: AuditActor;
  action: string;
  reason?: string | null;
  /**
   * Refuse (throw ApiError) or return the columns to change. Runs inside the transaction; `runs`
   * (the session's newest run of each kind) is read with the session when `readsRuns` is set.
   */
  change: (
    session: OnboardingSession,
    tx: T,
    runs?: LatestRuns,
  ) => Promise<Prisma.OnboardingSessionUncheckedUpdateInput | null>;
  /** The change needs the session's newest runs: read them in the session's own statement. */
  readsRuns?: boolean;
  auditData?: (session: OnboardingSession) => Prisma.InputJsonValue | undefined;
  /**
   * The latest verify and bootstrap runs as the change left them, when the change knows them
   * without a read (a run start just wrote one): called after `change`; undefined → read them.
   */
  runsAfter?: () => LifecycleRuns | undefined;
}

export interface LifecycleRuns {
  verify: LifecycleRunInput | null;
  bootstrap: LifecycleRunInput | null;
}

/**
 * The latest verify and bootstrap runs once `run` is the newest of its kind, when they follow
 * without a read: a bootstrap decides the lifecycle alone, a verification does when there is no
 * bootstrap (lifecycle.test.ts holds deriveLifecycle to both). `before`: the session's newest
 * runs as last read, undefined when not read. Undefined → read them.
 */
export function runsDecidingLifecycle(
  run: LifecycleRunInput,
  before: LatestRuns | undefined,
): LifecycleRuns | undefined {
  if (run.kind === "bootstrap") return { verify: null, bootstrap: run };
  if (run.kind === "verify_access" && before && !before.bootstrap) return { verify: run, bootstrap: null };
  return undefined;
}

const SYSTEM_RETRIES = 8;
const PROGRESS_RETRIES = 8;

export class VersionConflict extends ApiError {}
/** A run's progress was written between our read and our update; the version still matches. */
class ProgressMoved extends Error {}

export function conflictError(
  current: OnboardingSession,
  source: VersionSource | undefined,
  expected: number,
): ApiError {
  const code = source === "if-match" ? "precondition_failed" : "version_conflict";
  return new ApiError(
    code,
    `This onboarding was changed since version ${expected}; it is now at version ${current.version}. Reload and re-apply your change.`,
    {
      extra: {
        expectedVersion: expected,
        currentVersion: current.version,
        current: {
          version: current.version,
          status: current.status,
          lifecycleState: current.lifecycleState,
          currentCheckpoint: current.currentCheckpoint,
          updatedAt: current.updatedAt.toISOString(),
          updatedById: current.updatedById,
        },
      },
      headers: { etag: `"${current.version}"` },
    },
  );
}

export async function latestRuns(tx: RawTx, sessionId: string): Promise<LifecycleRuns> {
  // One statement for both kinds and their steps (every session write derives the lifecycle).
  const rows = await tx.$queryRawUnsafe<LifecycleRunInput[]>(
    `
    SELECT r."kind"::text AS "kind", r."status"::text AS "status", r."outcome"::text AS "outcome",
      r."reasonCode", r."report",
      COALESCE((SELECT json_agg(json_build_object('key', st."key", 'status', st."status", 'errorCode', st."errorCode",
                  'errorMessage', st."errorMessage", 'result', st."result") ORDER BY st."position")
                FROM "OperationRunStep" st WHERE st."runId" = r."id"), '[]'::json) AS "steps"
    FROM (SELECT DISTINCT ON ("kind") "id", "kind", "status", "outcome", "reasonCode", "report"
          FROM "OperationRun" WHERE "sessionId" = $1 AND "kind" IN ('verify_access', 'bootstrap')
          ORDER BY "kind", "createdAt" DESC, "id" DESC) r`,
    sessionId,
  );
  return {
    verify: rows.find((r) => r.kind === "verify_access") ?? null,
    bootstrap: rows.find((r) => r.kind === "bootstrap") ?? null,
  };
}

export function mutateSession(change: SessionChange<Tx>): Promise<OnboardingSession> {
  return mutateIn((apply) => db().$transaction(apply), change);
}

/**
 * The same write in a plain pg transaction (lib/db/sql.ts), for a change whose statements are all
 * raw — a run's start and end, on every run: Prisma's interactive transaction and raw calls cost
 * its client more CPU than the statements cost PostgreSQL.
 */
export function mutateSessionSql(change: SessionChange<RawTx>): Promise<OnboardingSession> {
  return mutateIn(sqlTransaction, change);
}

async function mutateIn<T extends RawTx>(
  transaction: <R>(fn: (tx: T) => Promise<R>) => Promise<R>,
  change: SessionChange<T>,
): Promise<OnboardingSession> {
  for (let attempt = 0, progressRaces = 0; ; attempt++) {
    try {
      const { session, deliveries } = await transaction((tx) => applySessionChange(tx, change));
      await enqueueDeliveries(deliveries);
      return session;
    } catch (err) {
      // A step's progress landed meanwhile: our derived `steps` may predate it. Apply again.
      if (err instanceof ProgressMoved && progressRaces++ < PROGRESS_RETRIES) continue;
      // A system write lost a race with another writer: read again and re-apply.
      if (change.expectedVersion === null && err instanceof VersionConflict && attempt < SYSTEM_RETRIES) continue;
      throw err;
    }
  }
}

/** After commit: a webhook delivery that fails to enqueue stays pending and can be redelivered. */
export async function enqueueDeliveries(deliveries: string[]): Promise<void> {
  for (const id of deliveries)
    await enqueueWebhookDelivery(id).catch((e) =>
      log.error({ deliveryId: id, ...errorFields(e) }, "webhook enqueue failed"),
    );
}

const SESSION_COLUMNS = columnList(Prisma.OnboardingSessionScalarFieldEnum);

/**
 * One session change inside the caller's transaction (mutateSession's, or a create that starts
 * its first run in the same transaction and passes the row it just inserted as `current`). The
 * caller enqueues the returned webhook deliveries after commit (`enqueueDeliveries`).
 */
export async function applySessionChange<T extends RawTx>(
  tx: T,
  change: SessionChange<T>,
  current?: OnboardingSession,
): Promise<{ session: OnboardingSession; deliveries: string[] }> {
  // Raw: the same row Prisma's findUnique gives, without its query compiler (every write reads it).
  let session: OnboardingSession | undefined = current;
  let runs: LatestRuns | undefined;
  if (!session && change.readsRuns) {
    const [row] = await tx.$queryRawUnsafe<SessionWithRunsRow[]>(SESSION_WITH_RUNS_SQL, change.sessionId);
    if (row) {
      const { latestRuns: runRows, ...rest } = row;
      session = rest;
      runs = latestByKind(runRows);
    }
  } else if (!session) {
    [session] = await tx.$queryRawUnsafe<OnboardingSession[]>(SESSION_BY_ID_SQL, change.sessionId);
  }
  if (!session) throw notFound("Onboarding");
  const expected = change.expectedVersion ?? session.version;
  if (session.version !== expected) throw conflictError(session, change.versionSource, expected);

  const data = await change.change(session, tx, runs);
  if (data === null) return { session, deliveries: [] };

  const merged = { ...session, ...data } as OnboardingSession;
  const derived = deriveLifecycle(merged, change.runsAfter?.() ?? (await latestRuns(tx, session.id)));
  const nextVersion = session.version + 1;
  const columns = {
    ...data,
    ...derived,
    version: nextVersion,
    updatedById: change.actor.userId ?? session.updatedById,
    updatedAt: new Date(),
  };
  const update = sessionUpdateSql(columns);
  // The session's audit row is written by the same statement, only when the guarded UPDATE
  // matched; its field diff is taken against the row as the UPDATE will leave it.
  const audit = auditInsertSql(
    change.actor,
    {
      workspaceId: session.workspaceId,
      action: change.action,
      targetType: "onboarding_session",
      targetId: session.id,
      fromVersion: session.version,
      toVersion: nextVersion,
      reason: change.reason ?? null,
      data: change.auditData?.(session) ?? diffForAudit(session, rowAfter(session, columns)),
    },
    4 + update.values.length,
  );
  const [updated] = await tx.$queryRawUnsafe<OnboardingSession[]>(
    `WITH u AS (
       UPDATE "OnboardingSession" SET ${update.set} WHERE "id" = $1 AND "version" = $2 AND "progress" = $3
       RETURNING ${SESSION_COLUMNS}
     ), audit AS (${audit.sql} FROM u)
     SELECT ${SESSION_COLUMNS} FROM u`,
    session.id,
    session.version,
    session.progress,
    ...update.values,
    ...audit.values,
  );
  if (!updated) {
    const [current] = await tx.$queryRawUnsafe<OnboardingSession[]>(SESSION_BY_ID_SQL, session.id);
    if (!current) throw notFound("Onboarding");
    if (current.version === session.version) throw new ProgressMoved();
    const err = conflictError(current, change.versionSource, expected);
    throw new VersionConflict(err.code, err.message, { extra: err.extra, headers: err.headers });
  }
  return { session: updated, deliveries: await recordWebhookEvent(tx, session, updated) };
}

/** OnboardingSession's columns that are not text, with their SQL types (checked against the schema in a test). */
export const SESSION_COLUMN_TYPES: Record<string, string> = {
  tier: '"Tier"',
  status: '"SessionStatus"',
  lifecycleState: '"LifecycleState"',
  currentCheckpoint: '"Checkpoint"',
  lastCompletedCheckpoint: '"Checkpoint"',
  draft: "jsonb",
  steps: "jsonb",
  simulation: "jsonb",
  version: "int",
  progress: "int",
  createdAt: "timestamp",
  updatedAt: "timestamp",
  completedAt: "timestamp",
  cancelledAt: "timestamp",
  activatedAt: "timestamp",
};

/**
 * The SET list of a session write, as one raw statement (every write pays for it; Prisma's
 * updateManyAndReturn was most of its cost). Parameters start at $4 (id, version and progress
 * come first). Values: plain values, Dates (stored as UTC), JSON for the JSON columns,
 * Prisma.DbNull / JsonNull; an operation such as `{ increment: 1 }` is refused.
 */
export function sessionUpdateSql(data: Record<string, unknown>): { set: string; values: unknown[] } {
  const { columns, params, values } = sessionParams(data, 4);
  return { set: columns.map((c, i) => `"${c}" = ${params[i]}`).join(", "), values };
}

/**
 * A new session row and its audit row as one raw statement, answering the row (a create, in the
 * transaction that may also start its first run). `data` as for sessionUpdateSql, with its id;
 * columns left out take their database defaults (version 1, progress 0, createdAt).
 */
export function sessionInsertSql(
  data: Record<string, unknown>,
  audit: { actor: AuditActor; entry: AuditEntry },
): { sql: string; values: unknown[] } {
  const { columns, params, values } = sessionParams(data, 1);
  const auditRow = auditInsertSql(audit.actor, audit.entry, values.length + 1);
  return {
    sql: `WITH i AS (
       INSERT INTO "OnboardingSession" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${params.join(", ")})
       RETURNING ${SESSION_COLUMNS}
     ), audit AS (${auditRow.sql} FROM i)
     SELECT ${SESSION_COLUMNS} FROM i`,
    values: [...values, ...auditRow.values],
  };
}

/** Each defined column of `data` with its typed parameter ($first…) and value. */
function sessionParams(data: Record<string, unknown>, first: number) {
  const columns: string[] = [];
  const params: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (!/^[A-Za-z]+$/.test(column)) throw new Error(`not a session column: ${column}`);
    const type = SESSION_COLUMN_TYPES[column];
    let param: unknown;
    if (value === Prisma.DbNull || value === null) param = null;
    else if (value === Prisma.JsonNull) param = "null";
    else if (type === "jsonb") param = JSON.stringify(value);
    else if (value instanceof Date) param = utcTimestamp(value);
    else if (typeof value === "object") throw new Error(`unsupported update of ${column}: ${JSON.stringify(value)}`);
    else param = value;
    values.push(param);
    columns.push(column);
    params.push(`$${first + values.length - 1}${type ? `::${type}` : ""}`);
  }
  return { columns, params, values };
}

const AUDITED_FIELDS = [
  "platformName",
  "slug",
  "tier",
  "stackTemplateId",
  "connectionId",
  "infraConnectionId",
  "draft",
  "status",
  "lifecycleState",
  "currentCheckpoint",
  "provisionJobId",
  "reasonCode",
  "blockingReasonCode",
] as const;

/** The row as an UPDATE setting `columns` leaves it (Prisma's null markers read back as null). */
function rowAfter(session: OnboardingSession, columns: Record<string, unknown>): OnboardingSession {
  const row: Record<string, unknown> = { ...session };
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    row[column] = value === Prisma.DbNull || value === Prisma.JsonNull ? null : value;
  }
  return row as unknown as OnboardingSession;
}

/**
 * Field-level before/after, so the audit and the conflict warning can say what changed. JSON is
 * compared with its keys sorted: PostgreSQL's jsonb keeps its own key order, so a value read back
 * and the same value about to be written may list their keys differently.
 */
export function diffForAudit(before: OnboardingSession, after: OnboardingSession): Prisma.InputJsonValue {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of AUDITED_FIELDS) {
    const a = canonicalJson(before[field] ?? null);
    const b = canonicalJson(after[field] ?? null);
    if (a !== b) changes[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return { changes } as Prisma.InputJsonValue;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
