import "server-only";
// Over 400 lines on purpose: the one owner of how a run begins or is asked to stop (a start, the first run of a new onboarding, a resume, a cancel), which share the start's session change.
// Starting, resuming and cancelling runs. Each goes through the session's versioned mutation
// path so the lifecycle follows, and is deduplicated: one active run per session and kind.
import type { Tx } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { Prisma, type OnboardingSession, type OperationRun } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { ApiError, notFound } from "@/lib/api/errors";
import { actorLabel, auditActor, authorize, type Actor } from "@/lib/auth/actor";
import { auditInsertSql, recordAudit, type AuditActor } from "@/lib/audit/record-audit";
import {
  applySessionChange,
  mutateSession,
  mutateSessionSql,
  runsDecidingLifecycle,
  type LifecycleRuns,
  type SessionChange,
  type VersionSource,
} from "@/lib/onboarding/mutate-session";
import type { LifecycleRunInput } from "@/lib/onboarding/lifecycle";
import type { LatestRuns } from "@/lib/onboarding/actions";
import type { Role } from "@/lib/auth/capabilities";
import { isUniqueViolation } from "@/lib/db/errors";
import { newId } from "@/lib/db/ids";
import { utcTimestamp, type RawTx } from "@/lib/db/sql";
import { assertAllowed, assertRole, assertRunCancellable, type GuardedAction } from "@/lib/onboarding/actions";
import { latestRunsOf } from "@/lib/onboarding/queries";
import { activeKey, RUN_STEPS, type RunKind } from "./definitions";
import { enqueueRunInTx, getBoss, newRunJobId, RUN_WAKE_UP } from "@/lib/queue/queue";
import { notifyRunEndedInTx } from "@/lib/notifications/notify-run-ended";
import { currentTraceparent, traceIdOf } from "@/lib/observability/tracing";
import { recheckAccessBeforeResume } from "./reverify";

const RUN_COLUMNS = columnList(Prisma.OperationRunScalarFieldEnum);

export interface StartResult {
  run: OperationRun;
  session: OnboardingSession;
  /** False when an active run of this kind already existed and is returned instead. */
  created: boolean;
  /** The session's latest run of each kind right after a start (the response needs no read). */
  runs?: LatestRuns;
}

const START_ACTION: Record<RunKind, GuardedAction> = {
  verify_access: "verifyAccess",
  bootstrap: "bootstrap",
  deprovision: "deprovision",
  recheck_access: "recheckAccess",
};

export async function startRun(
  actor: Actor,
  sessionOrId: OnboardingSession | string,
  kind: RunKind,
  base: { expectedVersion: number; versionSource: VersionSource },
  /** What the run works on, stored as its initial report (a re-check: which check of which verification). */
  input?: Prisma.InputJsonValue,
): Promise<StartResult> {
  const session =
    typeof sessionOrId === "string"
      ? await db().onboardingSession.findUnique({ where: { id: sessionOrId } })
      : sessionOrId;
  if (!session) throw notFound("Onboarding");
  const { role } = authorize(actor, session.workspaceId, "view", "Onboarding");
  const start = runStart(actor, kind, role, input); // refuses a role that may not start this kind

  // A start while a run of this kind is active returns that run (deduplicated): the rules refuse
  // it (run_active) or the unique activeKey does, and the catch below answers with the active run.
  await getBoss(); // started outside the transaction that sends the job

  try {
    // Every statement of a start is raw: a plain pg transaction (no Prisma client on this path).
    const updated = await mutateSessionSql({
      sessionId: session.id,
      expectedVersion: base.expectedVersion,
      versionSource: base.versionSource,
      ...start.change,
    });
    return { ...start.started(), session: updated, created: true };
  } catch (err) {
    // Lost a race with a concurrent start: answer with the run that won.
    const winner =
      isUniqueViolation(err, "activeKey") || err instanceof ApiError ? await activeRun(session.id, kind) : null;
    if (winner)
      return {
        run: winner,
        session: (await db().onboardingSession.findUnique({ where: { id: session.id } }))!,
        created: false,
      };
    throw err;
  }
}

/**
 * The first run of an onboarding created in this transaction (POST /onboarding with autoStart):
 * the same change as `startRun`, applied to the row just inserted, which has no runs yet — so
 * neither the session nor its runs are read again. The caller calls `getBoss()` before its
 * transaction and enqueues the returned webhook deliveries after commit.
 */
export async function startFirstRunInTx(
  tx: RawTx,
  actor: Actor,
  created: OnboardingSession,
  kind: RunKind,
): Promise<{ run: OperationRun; session: OnboardingSession; deliveries: string[] }> {
  const { role } = authorize(actor, created.workspaceId, "view", "Onboarding");
  const start = runStart(actor, kind, role, undefined, {});
  const { session, deliveries } = await applySessionChange(
    tx,
    { sessionId: created.id, expectedVersion: created.version, versionSource: "body", ...start.change },
    created,
  );
  return { run: start.started().run, session, deliveries };
}

/**
 * A run start as a session change: the rules, the run with its steps, its audit row and its
 * queue job. `priorRuns`: the session's latest runs when the caller knows them (a session created
 * in the same transaction has none); otherwise they are read inside the transaction.
 */
function runStart(
  actor: Actor,
  kind: RunKind,
  role: Role,
  input: Prisma.InputJsonValue | undefined,
  priorRuns?: LatestRuns,
): {
  change: Pick<SessionChange<RawTx>, "actor" | "action" | "change" | "runsAfter" | "readsRuns">;
  started: () => { run: OperationRun; runs: LatestRuns };
} {
  const action = START_ACTION[kind];
  assertRole(action, role);
  let run: OperationRun | null = null;
  let before: LatestRuns = {};
  return {
    change: {
      actor: auditActor(actor),
      action: `run.${kind}.started`,
      readsRuns: !priorRuns,
      change: async (current, tx, runs) => {
        before = priorRuns ?? runs ?? (await latestRunsOf(tx, current.id));
        assertAllowed(action, { session: current, runs: before, role });
        const traceparent = currentTraceparent();
        const jobId = newRunJobId();
        run = await insertRun(tx, {
          queueJobId: jobId,
          workspaceId: current.workspaceId,
          sessionId: current.id,
          kind,
          initiatorId: actor.userId,
          report: input ?? null,
          traceparent,
          actor: auditActor(actor),
        });
        await enqueueRunInTx(tx, run.id, jobId, true);
        return {};
      },
      runsAfter: () => lifecycleRunsAfterStart(run!, before),
    },
    started: () => ({ run: run!, runs: { ...before, [kind]: { id: run!.id, status: run!.status, outcome: null } } }),
  };
}

/**
 * The latest verify and bootstrap runs right after `run` was queued, when they follow from what
 * the start read (the lifecycle derives from them), else undefined (read them). A bootstrap decides
 * the lifecycle alone (lifecycle.test.ts holds deriveLifecycle to that); a verification decides it
 * when there is no bootstrap.
 */
export function lifecycleRunsAfterStart(run: OperationRun, before: LatestRuns): LifecycleRuns | undefined {
  const kind = run.kind as RunKind;
  const queued: LifecycleRunInput = {
    kind,
    status: "queued",
    outcome: null,
    reasonCode: null,
    report: run.report,
    steps: RUN_STEPS[kind].map((s) => ({
      key: s.key,
      status: "pending",
      errorCode: null,
      errorMessage: null,
      result: null,
    })),
  };
  return runsDecidingLifecycle(queued, before);
}

/**
 * A new queued run with its steps (and, with tracing on, the log line naming its trace) and its
 * audit row in one statement: every run start pays for it (Prisma's nested create was three
 * statements). It also sends the workers' wake-up (delivered at commit), so enqueueRunInTx need not.
 */
async function insertRun(
  tx: RawTx,
  run: {
    queueJobId: string;
    workspaceId: string;
    sessionId: string;
    kind: RunKind;
    initiatorId: string;
    report: Prisma.InputJsonValue | null;
    traceparent: string | null;
    /** Who queued it: the run's audit row ("run.<kind>.queued") is written by the same statement. */
    actor: AuditActor;
  },
): Promise<OperationRun> {
  const id = newId();
  const now = utcTimestamp(new Date());
  const audit = auditInsertSql(
    run.actor,
    { workspaceId: run.workspaceId, action: `run.${run.kind}.queued`, targetType: "operation_run", targetId: id },
    15,
  );
  const steps = RUN_STEPS[run.kind].map((s, position) => ({ id: newId(), key: s.key, label: s.label, position }));
  // With tracing on, the run's log names its trace (to find it in the trace backend).
  const traceLine = run.traceparent ? `Trace ${traceIdOf(run.traceparent)}` : null;
  const [row] = await tx.$queryRawUnsafe<OperationRun[]>(
    `WITH r AS (
       INSERT INTO "OperationRun" ("id", "workspaceId", "sessionId", "kind", "activeKey", "initiatorId", "report",
         "traceparent", "health", "queueJobId", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4::"RunKind", $5, $6, $7::jsonb, $8, 'healthy', $9::uuid, $10::timestamp, $10::timestamp)
       RETURNING ${RUN_COLUMNS}
     ), st AS (
       INSERT INTO "OperationRunStep" ("id", "runId", "key", "position", "label")
       SELECT x."id", $1, x."key", x."position", x."label"
       FROM jsonb_to_recordset($11::jsonb) AS x("id" text, "key" text, "position" int, "label" text)
     ), l AS (
       INSERT INTO "OperationRunLog" ("runId", "level", "message", "at") SELECT $1, 'info', $12::text, $10::timestamp WHERE $12::text IS NOT NULL
     ), wake AS (
       SELECT pg_notify($13, $14)
     ), audit AS (${audit.sql} FROM r)
     SELECT ${RUN_COLUMNS} FROM r, wake`,
    id,
    run.workspaceId,
    run.sessionId,
    run.kind,
    activeKey(run.sessionId, run.kind),
    run.initiatorId,
    run.report === null ? null : JSON.stringify(run.report),
    run.traceparent,
    run.queueJobId,
    now,
    JSON.stringify(steps),
    traceLine,
    RUN_WAKE_UP.channel,
    RUN_WAKE_UP.payload,
    ...audit.values,
  );
  return row;
}

export function activeRun(sessionId: string, kind: RunKind): Promise<OperationRun | null> {
  return db().operationRun.findUnique({ where: { activeKey: activeKey(sessionId, kind) } });
}

/** A failed or cancelled bootstrap continues at its first step that has not succeeded. */
export async function resumeBootstrap(
  actor: Actor,
  sessionId: string,
  base: { expectedVersion: number; versionSource: VersionSource },
): Promise<StartResult> {
  const session = await db().onboardingSession.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound("Onboarding");
  const { role } = authorize(actor, session.workspaceId, "view", "Onboarding");
  assertRole("resume", role);
  const existing = await activeRun(session.id, "bootstrap");
  if (existing) return { run: existing, session, created: false };
  // Refuse before anything changes: the rules first (no provider call for a resume that is not
  // allowed), then the access the remaining steps need, against the current credentials.
  const runs = await latestRunsOf(db(), sessionId);
  assertAllowed("resume", { session, runs, role });
  const remaining = await db().operationRunStep.findMany({
    where: { runId: runs.bootstrap!.id, status: { not: "succeeded" } },
    select: { key: true },
  });
  await recheckAccessBeforeResume(
    session,
    remaining.map((s) => s.key),
  );
  await getBoss(); // started outside the transaction that sends the job

  let runId = "";
  const updated = await mutateSession({
    sessionId,
    expectedVersion: base.expectedVersion,
    versionSource: base.versionSource,
    actor: auditActor(actor),
    action: "run.bootstrap.resumed",
    change: async (current, tx) => {
      const runs = await latestRunsOf(tx, sessionId);
      assertAllowed("resume", { session: current, runs, role });
      const last = runs.bootstrap!;
      const traceparent = currentTraceparent();
      await tx.operationRunStep.updateMany({
        where: { runId: last.id, status: { not: "succeeded" } },
        data: { status: "pending", errorCode: null, errorMessage: null, finishedAt: null },
      });
      await tx.operationRun.update({
        where: { id: last.id },
        data: {
          status: "queued",
          outcome: null,
          reasonCode: null,
          finishedAt: null,
          cancelRequestedAt: null,
          leaseOwner: null,
          // Queued now: the stall clock starts here, not at the previous execution's heartbeat.
          heartbeatAt: new Date(),
          health: "healthy",
          healthReason: null,
          nextAttemptAt: null,
          stalledNotifiedAt: null,
          attempt: { increment: 1 },
          activeKey: activeKey(sessionId, "bootstrap"),
          traceparent,
        },
      });
      await tx.operationRunLog.create({
        data: {
          runId: last.id,
          level: "info",
          message: `Resumed by ${actorLabel(actor)}${traceparent ? ` (trace ${traceIdOf(traceparent)})` : ""}`,
        },
      });
      await recordAudit(tx, auditActor(actor), {
        workspaceId: current.workspaceId,
        action: "run.bootstrap.resumed",
        targetType: "operation_run",
        targetId: last.id,
      });
      runId = last.id;
      await enqueueRunInTx(tx, last.id);
      return {};
    },
  });
  const run = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
  return { run, session: updated, created: true };
}

/**
 * Asks the active runs of a session to stop. A run still queued ends at once; a running one
 * is stopped by its worker between steps or inside a wait (it polls the flag).
 */
export async function cancelActiveRunsInTx(tx: Tx, sessionId: string, actor: AuditActor): Promise<number> {
  const runs = await tx.operationRun.findMany({ where: { sessionId, status: { in: ["queued", "running"] } } });
  for (const run of runs) await requestCancelInTx(tx, run, actor);
  return runs.length;
}

async function requestCancelInTx(tx: Tx, run: OperationRun, actor: AuditActor): Promise<void> {
  const now = new Date();
  if (run.status === "queued" && !run.leaseOwner) {
    await tx.operationRun.update({
      where: { id: run.id },
      data: {
        status: "completed",
        outcome: "cancelled",
        finishedAt: now,
        cancelRequestedAt: now,
        activeKey: null,
        reasonCode: "cancelled_by_operator",
      },
    });
    await tx.operationRunStep.updateMany({
      where: { runId: run.id, status: { in: ["pending", "running"] } },
      data: { status: "cancelled" },
    });
    await notifyRunEndedInTx(tx, { ...run, reasonCode: "cancelled_by_operator" }, "cancelled");
  } else {
    await tx.operationRun.update({ where: { id: run.id }, data: { cancelRequestedAt: now } });
  }
  await tx.operationRunLog.create({
    data: { runId: run.id, level: "warn", message: `Cancellation requested by ${actor.label}` },
  });
  await recordAudit(tx, actor, {
    workspaceId: run.workspaceId,
    action: `run.${run.kind}.cancel_requested`,
    targetType: "operation_run",
    targetId: run.id,
  });
}

/** Cancels one run (not the onboarding): POST /api/v1/operation-runs/:id/cancel. */
export async function cancelRun(
  actor: Actor,
  runId: string,
  base: { expectedVersion: number; versionSource: VersionSource },
) {
  const run = await db().operationRun.findUnique({ where: { id: runId } });
  if (!run) throw notFound("Operation run");
  const { role } = authorize(actor, run.workspaceId, "view", "Operation run");
  assertRunCancellable(run, role);
  return mutateSession({
    sessionId: run.sessionId,
    expectedVersion: base.expectedVersion,
    versionSource: base.versionSource,
    actor: auditActor(actor),
    action: `run.${run.kind}.cancel_requested`,
    change: async (_session, tx) => {
      const current = await tx.operationRun.findUniqueOrThrow({ where: { id: runId } });
      assertRunCancellable(current, role);
      await requestCancelInTx(tx, current, auditActor(actor));
      return {};
    },
  });
}
