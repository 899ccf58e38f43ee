import "server-only";
// Over 400 lines on purpose: the one place a run executes (claim, steps, attempts, finish); its step attempt and lease helpers live beside it in step-attempt.ts and lease.ts.
// Executes an OperationRun, one queue job at a time. The run row and its steps are the truth:
// a job claims a lease on the run (lease.ts: generation + 1), runs steps from the first one not
// yet succeeded, records each attempt (step-attempt.ts, fenced by the generation) and, once past
// RUN_JOB_BUDGET_MS while every run consumer of its process is busy, hands over to a new job
// between steps. A worker that dies stops renewing its lease; the sweep (sweep.ts) takes the run
// over within LEASE_STALE_MS and queues a fresh job; the next worker re-runs the unfinished step,
// and every step is idempotent. One function ends a run (`finish`) and one runs each attempt of
// a step (`runStepAttempt`).
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { utcTimestamp, type RawTx } from "@/lib/db/sql";
import type { OnboardingSession, OperationRunStep, Prisma } from "@/lib/generated/prisma/client";
import {
  mutateSession,
  mutateSessionSql,
  runsDecidingLifecycle,
  type SessionChange,
} from "@/lib/onboarding/mutate-session";
import type { LatestRuns } from "@/lib/onboarding/actions";
import { SYSTEM_ACTOR } from "@/lib/audit/record-audit";
import { providersFor, type SessionProviders } from "@/lib/providers/resolve-providers";
import { ProviderError, type AccessCheck, type ProviderContext } from "@/lib/providers/types";
import { sleep } from "@/lib/util/abortable-sleep";
import {
  HEARTBEAT_MS,
  jobBudgetMs,
  RETRY_BASE_MS,
  STEP_MAX_ATTEMPTS,
  STEP_TIMEOUT_MS,
  type RunKind,
} from "./definitions";
import { enqueueRun, hasFreeRunConsumer } from "@/lib/queue/queue";
import { STEP_HANDLERS, type JobCopy, type StepContext } from "./steps";
import { applyPlatformChange, type StagedPlatformChange } from "./platform-change";
import { withDeadline } from "@/lib/util/deadline";
import { stepsFromRun, verificationFingerprint, type LifecycleRunInput } from "@/lib/onboarding/lifecycle";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { errorFields, log } from "@/lib/log/logger";
import { notificationInsertSql } from "@/lib/notifications/notify-run-ended";
import { applyRecheckInTx } from "@/lib/verification/recheck-access";
import { withStepSpan } from "@/lib/observability/run-tracing";
import { claim, LeaseLost, leaseLost, release, renew, type Lease } from "./lease";
import type { RunWithSteps } from "./run-rows";
import {
  attemptCancelled,
  attemptFailed,
  attemptRetrying,
  attemptSucceeded,
  beginAttempt,
  makeRunLogger,
  type AttemptHandle,
} from "./step-attempt";

export const WORKER_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

class RunCancelled extends Error {}
/** Thrown out of the job (so the queue retries it) when our database is unreachable mid-step. */
export class DatabaseUnavailable extends Error {
  constructor(stepKey: string, cause: unknown) {
    super(`database unavailable during step ${stepKey}`, { cause });
  }
}

async function releaseOwned(runId: string, workerId: string) {
  await db().operationRun.updateMany({ where: { id: runId, leaseOwner: workerId }, data: { leaseOwner: null } });
}

async function loadRun(runId: string): Promise<RunWithSteps | null> {
  return db().operationRun.findUnique({ where: { id: runId }, include: { steps: { orderBy: { position: "asc" } } } });
}

/** Thrown when another live worker holds the run: the queue retries the job shortly. */
export class RunBusy extends Error {}

export async function processRun(runId: string, workerIdentity = WORKER_ID): Promise<void> {
  // A lease belongs to one job execution, not to the process: a process runs several
  // consumers, and a second job for the same run (a handover, a retry) must wait its turn.
  const workerId = `${workerIdentity}/${randomUUID().slice(0, 8)}`;
  let claimed: Awaited<ReturnType<typeof claim>>;
  try {
    claimed = await claim(runId, workerId);
  } catch (err) {
    // The claim may have committed before the connection dropped: release what may be ours.
    if (isDatabaseUnavailable(err)) return await handOverAfterOutage(runId, workerId, err);
    throw err;
  }
  if (!claimed) {
    const run = await db().operationRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run || run.status === "completed") return;
    // Keep this job alive until the holder finishes or its lease goes stale (the sweep also
    // queues a fresh job when it takes a stale lease over).
    throw new RunBusy(`run ${runId} is held by another worker`);
  }
  const { lease: held, run, session } = claimed;
  const controller = new AbortController();
  const heartbeat = setInterval(() => {
    void beat(held, controller);
  }, HEARTBEAT_MS);
  const deadline = Date.now() + jobBudgetMs();
  try {
    // The run as claimed: while the lease is ours no one else writes its steps, so this copy
    // follows them (a step's success updates it). Cancellation arrives with the heartbeat.
    let context: StepInputs | null = null;
    // The first attempt of the next step, when the previous step's success started it.
    let begun: AttemptHandle | null = null;
    const cancelled = () => !!run.cancelRequestedAt || controller.signal.reason instanceof RunCancelled;
    // Hand over to a fresh job, so that runs waiting for a consumer get their turn. Not while one
    // of this process's consumers is free: it would pick a waiting job up anyway, and a handover
    // costs the run a pause between steps (a new job's pickup, claim and reads).
    const mustHandOver = () => Date.now() > deadline && !hasFreeRunConsumer();
    // The step a success starts in the same statement: the next one, unless the job stops there.
    const successor = (done: OperationRunStep) =>
      cancelled() || mustHandOver() ? null : (run.steps.find((s) => s.status !== "succeeded" && s !== done) ?? null);
    for (;;) {
      const step = run.steps.find((s) => s.status !== "succeeded");
      if (cancelled()) {
        if (begun && step) await attemptCancelled(held, step, begun);
        return await finish(held, run, "cancelled");
      }
      if (!step) return await finish(held, run, run.kind === "verify_access" ? verifyOutcome(run) : "succeeded");
      if (!begun && mustHandOver()) {
        // Enqueue before releasing: a crash in between leaves a job that waits out the lease.
        await enqueueRun(runId);
        await release(held);
        return;
      }
      context ??= await stepInputs(held, run, step, session);
      if (!context) return await finish(held, (await loadRun(runId)) ?? run, "failed");
      const { ok, next } = await executeStep(
        { lease: held, run, step, ...context, runSignal: controller.signal, successor },
        begun,
      );
      begun = next;
      if (!ok) {
        const after = await loadRun(runId);
        if (after) await finish(held, after, after.cancelRequestedAt ? "cancelled" : "failed");
        return;
      }
    }
  } catch (err) {
    if (err instanceof LeaseLost || controller.signal.reason instanceof LeaseLost) {
      log.warn({ runId, workerId, generation: held.generation }, "lease lost: this worker stops writing to the run");
      return;
    }
    if (isDatabaseUnavailable(err)) return await handOverAfterOutage(runId, workerId, err);
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

const OUTAGE_WAIT_MS = 60_000;

/**
 * The database went away mid-run. Failing the job would not help: pg-boss cannot record the
 * failure either, so the job would sit "active" until it expires. Instead wait for the
 * database, then queue a fresh job and give up the lease, so a worker continues at once — at
 * the unfinished step, which is idempotent.
 */
async function handOverAfterOutage(runId: string, workerId: string, cause: unknown): Promise<void> {
  log.warn({ runId }, "database unreachable during run; waiting for it to come back");
  const deadline = Date.now() + OUTAGE_WAIT_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
    await new Promise((r) => setTimeout(r, delay));
    try {
      // A duplicate job (if the release fails after the send) finds the run busy or done.
      await enqueueRun(runId);
      await releaseOwned(runId, workerId);
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() > deadline) throw cause;
    }
  }
}

async function beat(lease: Lease, controller: AbortController) {
  try {
    const renewed = await renew(lease);
    if (!renewed) controller.abort(new LeaseLost("lease lost"));
    else if (renewed.cancelRequested) controller.abort(new RunCancelled("cancelled by operator"));
  } catch {
    // A missed heartbeat is harmless; the lease only goes stale after several.
  }
}

function verifyOutcome(run: RunWithSteps): "succeeded" | "blocked" {
  return collectChecks(run).some((c) => c.status === "fail") ? "blocked" : "succeeded";
}

function collectChecks(run: RunWithSteps): AccessCheck[] {
  return run.steps.flatMap((s) => (s.result as { checks?: AccessCheck[] } | null)?.checks ?? []);
}

/** What every step of a job reads: the session and its providers, loaded at the job's first step. */
interface StepInputs {
  session: OnboardingSession;
  providers: SessionProviders;
  job: JobCopy;
}

/**
 * What the job's steps work with: the session as claimed (lib/runs/lease.ts) and its providers.
 * Null (the step recorded as failed) when the session's providers cannot be set up.
 */
async function stepInputs(
  lease: Lease,
  run: RunWithSteps,
  step: OperationRunStep,
  session: OnboardingSession | null,
): Promise<StepInputs | null> {
  if (!session) throw new Error(`run ${run.id}: its onboarding ${run.sessionId} is gone`);
  try {
    return { session, providers: await providersFor(session), job: { platform: null, staged: null } };
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new DatabaseUnavailable(step.key, err);
    await attemptFailed(lease, step, null, normalise(err, false));
    return null;
  }
}

async function executeStep(
  input: Omit<AttemptInput, "attempt" | "begun">,
  begun: AttemptHandle | null,
): Promise<{ ok: boolean; next: AttemptHandle | null }> {
  for (let attempt = 1; attempt <= STEP_MAX_ATTEMPTS; attempt++) {
    const outcome = await runStepAttempt({ ...input, attempt, begun: attempt === 1 ? begun : null });
    if (outcome === "retry") continue;
    return outcome === "failed" ? { ok: false, next: null } : { ok: true, next: outcome.next };
  }
  return { ok: false, next: null };
}

interface AttemptInput {
  lease: Lease;
  run: RunWithSteps;
  step: OperationRunStep;
  session: OnboardingSession;
  providers: SessionProviders;
  job: JobCopy;
  /** 1-based, within this execution of the step. */
  attempt: number;
  runSignal: AbortSignal;
  /** This attempt, already started by the previous step's success. */
  begun: AttemptHandle | null;
  /** The step to start with this one's success, if the job goes on (see processRun). */
  successor: (done: OperationRunStep) => OperationRunStep | null;
}

/** One attempt of one step: every attempt of every step goes through here. */
async function runStepAttempt({
  lease,
  run,
  step,
  session,
  providers,
  job,
  attempt,
  runSignal,
  begun,
  successor,
}: AttemptInput): Promise<{ next: AttemptHandle | null } | "failed" | "retry"> {
  const { log, flush, take } = makeRunLogger(lease, step.key);
  const handle = begun ?? (await beginAttempt(lease, step, attempt));
  // The step's time budget (lib/util/deadline.ts says why not AbortSignal.timeout here).
  const deadline = withDeadline(STEP_TIMEOUT_MS, runSignal);
  const signal = deadline.signal;
  const ctx: ProviderContext = {
    workspaceId: session.workspaceId,
    platformSlug: session.slug,
    platformName: session.platformName,
    tier: session.tier,
    stackTemplateId: session.stackTemplateId,
    signal,
    log,
  };
  const handler = STEP_HANDLERS[run.kind as RunKind][step.key];
  let result: unknown;
  takeStaged(job); // an earlier attempt's change is not this one's
  try {
    result = await withStepSpan(run.kind, step.key, handle.stepAttempts, async () => {
      injectSimulatedFailure(providers, run.kind as RunKind, step.key, handle.stepAttempts);
      return handler({ run, session, step, providers, ctx, lease, job } satisfies StepContext);
    }).finally(deadline.clear);
  } catch (raw) {
    await flush();
    if (runSignal.aborted) {
      if (runSignal.reason instanceof LeaseLost) throw runSignal.reason;
      await attemptCancelled(lease, step, handle);
      log(`${step.label}: cancelled`, "warn");
      await flush();
      return "failed";
    }
    if (raw instanceof LeaseLost) throw raw;
    // Our own database went away mid-step: that says nothing about the provider. Give the
    // job back to the queue; the step runs again (idempotently) once the database is back.
    if (isDatabaseUnavailable(raw)) throw new DatabaseUnavailable(step.key, raw);
    const err = normalise(raw, signal.aborted);
    const retry = err.transient && attempt < STEP_MAX_ATTEMPTS;
    const delay = retryDelay(attempt, err);
    log(
      `${step.label}: ${err.code}: ${err.message}${retry ? ` — retrying in ${Math.round(delay / 100) / 10} s` : ""}`,
      retry ? "warn" : "error",
    );
    await flush();
    if (!retry) {
      await attemptFailed(lease, step, handle, err);
      return "failed";
    }
    await attemptRetrying(lease, step, handle, err, delay);
    try {
      await sleep(delay, runSignal);
    } catch {
      // cancellation is noticed at the top of the next attempt; a lost lease at its first write
    }
    return "retry";
  }
  // Bookkeeping sits outside the try above: a database error here must not be recorded as
  // the step failing. It propagates, the queue retries the job, and the step (idempotent)
  // is confirmed again. The step's last log lines are written with its success.
  const lines = await take();
  const done = {
    ...step,
    status: "succeeded" as const,
    finishedAt: new Date(),
    result: (result ?? {}) as Prisma.JsonValue,
  };
  // A bootstrap's progress shows in the session's seed `steps` (the only session field a step
  // changes: the lifecycle moves when the run starts and ends, in `finish`).
  const sessionSteps =
    run.kind === "bootstrap"
      ? stepsFromRun({ ...run, steps: run.steps.map((s) => (s.id === step.id ? done : s)) })
      : null;
  const following = successor(step);
  const staged = takeStaged(job);
  const next = await attemptSucceeded(
    lease,
    step,
    handle,
    result,
    {
      sessionId: run.sessionId,
      sessionSteps,
      logLines: [...lines, { level: "info", message: `${step.label}: done` }],
      platform: staged,
    },
    following,
  );
  // The job's copy of the platform follows what that statement wrote (lib/runs/steps.ts: JobCopy).
  if (staged && job.platform?.id === staged.platformId)
    job.platform = applyPlatformChange(job.platform, staged.change, done.finishedAt);
  Object.assign(step, done);
  if (following && next) Object.assign(following, { status: "running", attempts: next.stepAttempts });
  return { next };
}

/** The platform change the step made (lib/runs/steps.ts: stagePlatformChange), taken off the job. */
function takeStaged(job: JobCopy): StagedPlatformChange | null {
  const staged = job.staged;
  job.staged = null;
  return staged;
}

/** The wait before a retry is never shorter than the provider asked for (a 429's Retry-After). */
const MAX_RETRY_AFTER_MS = 60_000;
export function retryDelay(attempt: number, err: ProviderError): number {
  const backoff = RETRY_BASE_MS * 2 ** (attempt - 1);
  return Math.max(backoff, Math.min(err.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

function injectSimulatedFailure(providers: SessionProviders, kind: RunKind, stepKey: string, attempts: number) {
  const sim = providers.simulation;
  if (!providers.simulated || !sim?.failStep || kind !== "bootstrap" || sim.failStep !== stepKey) return;
  const failTimes = sim.failTimes ?? 1;
  if (failTimes === 0 || attempts <= failTimes) {
    if (sim.retryAfterMs) {
      throw new ProviderError(
        "simulated_rate_limited",
        `Injected rate limit at ${stepKey} (attempt ${attempts} of ${failTimes || "every"}).`,
        {
          transient: true,
          retryAfterMs: sim.retryAfterMs,
        },
      );
    }
    throw new ProviderError(
      "simulated_failure",
      `Injected failure at ${stepKey} (attempt ${attempts} of ${failTimes || "every"}).`,
      {
        remediation: "Resume the bootstrap; the injected failure stops after `failTimes` attempts.",
      },
    );
  }
}

function normalise(raw: unknown, timedOut: boolean): ProviderError {
  if (raw instanceof ProviderError) return raw;
  if (timedOut)
    return new ProviderError("step_timeout", `The step took longer than ${STEP_TIMEOUT_MS / 1000} s.`, {
      transient: true,
    });
  // Not a provider's answer but a defect: its message may hold anything (even a secret), so it
  // goes to the worker log with its stack, and the run shows a generic message.
  log.error(errorFields(raw), "unexpected step error");
  return new ProviderError("step_error", "The step failed with an unexpected error; the worker log has the details.", {
    transient: false,
  });
}

/**
 * Every run's end goes through here (one transaction with the session's lifecycle). Its statements
 * are raw, in a plain pg transaction — except a re-check's success, which rewrites the
 * verification it re-checked through Prisma's models.
 */
async function finish(lease: Lease, run: RunWithSteps, outcome: "succeeded" | "failed" | "cancelled" | "blocked") {
  if (run.kind === "recheck_access" && outcome === "succeeded")
    await mutateSession(runEnd(lease, run, outcome, (tx) => applyRecheckInTx(tx, run)));
  else await mutateSessionSql(runEnd(lease, run, outcome));
}

/** The session change that ends `run`; `alsoInTx` runs in its transaction before the notification. */
function runEnd<T extends RawTx>(
  lease: Lease,
  run: RunWithSteps,
  outcome: "succeeded" | "failed" | "cancelled" | "blocked",
  alsoInTx?: (tx: T) => Promise<void>,
): SessionChange<T> {
  let ended: LifecycleRunInput | null = null;
  let before: LatestRuns | undefined;
  return {
    sessionId: run.sessionId,
    expectedVersion: null,
    actor: SYSTEM_ACTOR,
    action: `run.${run.kind}.${outcome}`,
    // A verification's end reads the session's newest runs with the session (one statement), so
    // that its lifecycle follows from the run it ended; a bootstrap's needs no read at all.
    readsRuns: run.kind === "verify_access",
    runsAfter: () => (ended ? runsDecidingLifecycle(ended, before) : undefined),
    change: async (session, tx, runs) => {
      before = runs;
      // Our copy of the run and its steps is the truth: every write to them since the claim
      // was ours (the statement below is fenced by the lease).
      const current = run;
      const failed = current.steps.find((s) => s.status === "failed");
      const reasonCode =
        outcome === "failed"
          ? `step_failed:${failed?.key ?? "unknown"}`
          : outcome === "cancelled"
            ? "cancelled_by_operator"
            : outcome === "blocked"
              ? "access_blocked"
              : null;
      const report =
        current.kind === "verify_access"
          ? {
              checks: collectChecks(current),
              fingerprint: verificationFingerprint(session),
              checkedAt: new Date().toISOString(),
            }
          : undefined;
      const stepStatus = outcome === "cancelled" ? "cancelled" : "skipped";
      await completeRunInTx(tx, lease, {
        outcome,
        reasonCode,
        report,
        stepStatus,
        logLevel: outcome === "succeeded" ? "info" : "warn",
        logMessage: `Run ${outcome}${reasonCode ? ` (${reasonCode})` : ""}`,
        // Whoever started the run learns how it ended: written by the same statement.
        notification: notificationInsertSql(
          { ...current, reasonCode },
          outcome,
          session.platformName,
          RUN_END_PARAMS + 1,
          "FROM r",
        ),
      });
      // The run as that statement left it.
      ended = {
        kind: current.kind as RunKind,
        status: "completed",
        outcome,
        reasonCode,
        report: report ?? current.report,
        steps: current.steps.map((s) => ({
          key: s.key,
          status: s.status === "pending" || s.status === "running" ? stepStatus : s.status,
          errorCode: s.errorCode,
          errorMessage: s.errorMessage,
          result: s.result,
        })),
      };
      await alsoInTx?.(tx);
      return finishSessionFields(session, current.kind as RunKind, outcome);
    },
  };
}

/**
 * The run's end in one statement, fenced by the lease (the UPDATE matches only while the lease
 * is ours): the run completed, its unfinished steps skipped or cancelled, the closing log line.
 */
/** completeRunInTx's own parameters ($1…$10); a notification's follow. */
const RUN_END_PARAMS = 10;

async function completeRunInTx(
  tx: RawTx,
  lease: Lease,
  end: {
    outcome: string;
    reasonCode: string | null;
    report: Record<string, unknown> | undefined;
    stepStatus: "cancelled" | "skipped";
    logLevel: string;
    logMessage: string;
    notification: { sql: string; values: unknown[] } | null;
  },
): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `WITH r AS (
       UPDATE "OperationRun" SET "status" = 'completed', "outcome" = $4::"RunOutcome", "reasonCode" = $5,
         "finishedAt" = $6::timestamp, "updatedAt" = $6::timestamp, "activeKey" = NULL, "leaseOwner" = NULL,
         "report" = COALESCE($7::jsonb, "report"), "health" = NULL, "healthReason" = NULL, "nextAttemptAt" = NULL
       WHERE "id" = $1 AND "leaseGeneration" = $2 AND "leaseOwner" = $3
       RETURNING "id"
     ), st AS (
       UPDATE "OperationRunStep" SET "status" = $8::"StepStatus"
       WHERE "runId" = $1 AND "status" IN ('pending', 'running') AND EXISTS (SELECT 1 FROM r)
     ), l AS (
       INSERT INTO "OperationRunLog" ("runId", "level", "message", "at") SELECT "id", $9, $10, $6::timestamp FROM r
     )${end.notification ? `, n AS (${end.notification.sql})` : ""}
     SELECT "id" FROM r`,
    lease.runId,
    lease.generation,
    lease.workerId,
    end.outcome,
    end.reasonCode,
    utcTimestamp(new Date()),
    end.report === undefined ? null : JSON.stringify(end.report),
    end.stepStatus,
    end.logLevel,
    end.logMessage,
    ...(end.notification?.values ?? []),
  );
  if (rows.length === 0) throw leaseLost(lease);
}

function finishSessionFields(
  session: OnboardingSession,
  kind: RunKind,
  outcome: string,
): Prisma.OnboardingSessionUncheckedUpdateInput {
  if (kind === "bootstrap" && outcome === "succeeded") return { completedAt: new Date() };
  if (kind === "deprovision" && outcome === "succeeded") return { platformId: null };
  void session;
  return {};
}
