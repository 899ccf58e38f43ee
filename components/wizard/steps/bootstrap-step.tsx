"use client";

import Link from "next/link";
import { toast } from "@/lib/client/toast";
import { useEffect, useRef } from "react";
import { api } from "@/lib/client/api";
import { formatDuration, formatTime, humanize } from "@/lib/client/format";
import { latestRun, useRunDetail, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import { RunHealthNotice } from "@/components/runs/run-health";
import type { LogLine, Run, RunStep } from "@/lib/client/types";
import { stepHref } from "@/lib/client/wizard-steps";
import { PIPELINE_STEPS } from "@/lib/onboarding/constants";
import { runState, statusLabel, StatusBadge } from "../../status-badge";
import { Alert } from "../../ui/alert";
import { Button, ButtonLink } from "../../ui/button";
import { ChevronRightIcon, PlayIcon, RefreshIcon, StopIcon } from "../../ui/icons";
import { LoadingBlock } from "../../ui/skeleton";
import { ActionError } from "../action-error";
import { useWizard } from "../wizard-context";
import { ActionReason, actionButtonProps, isRoleRefusal } from "../action-reason";
import { StepError } from "../../runs/step-error";

/** A step's result in one line (repository URL, deployment URL…), for the step list. */
function resultSummary(step: RunStep): string | null {
  const r = step.result;
  if (!r) return null;
  if (typeof r.url === "string") return r.url;
  if (typeof r.environmentUrl === "string") return r.environmentUrl;
  if (typeof r.deployment === "string") return r.deployment;
  if (typeof r.platformId === "string")
    return `Platform ${r.platformId}${r.alreadyExisted ? " (already existed)" : ""}`;
  if (r.resources && typeof r.resources === "object")
    return Object.values(r.resources as Record<string, string>).join(", ");
  return null;
}

export function StepTimeline({ steps }: { steps: RunStep[] }) {
  return (
    <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="step-list">
      {steps.map((s, i) => {
        const summary = s.status === "succeeded" ? resultSummary(s) : null;
        return (
          <li key={s.key} className="px-4 py-3" data-step={s.key} data-status={s.status}>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
              <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600">
                {i + 1}
              </span>
              <span className="min-w-0 flex-1 text-sm font-medium text-slate-900">
                {s.label} <span className="font-mono text-xs font-normal text-slate-500">{s.key}</span>
              </span>
              <span className="flex items-center gap-3 text-xs text-slate-500 tabular-nums">
                <span className="w-20 text-right">
                  {s.attempts > 0 ? `${s.attempts} attempt${s.attempts === 1 ? "" : "s"}` : "\u00a0"}
                </span>
                <span className="w-16 text-right">
                  {s.status === "running" ? "running" : formatDuration(s.durationMs)}
                </span>
                <span className="w-28 text-right">
                  <StatusBadge kind="step" value={s.status} testId={`step-status-${s.key}`} />
                </span>
              </span>
            </div>
            {summary ? <p className="mt-1 truncate pl-9 font-mono text-xs text-slate-500">{summary}</p> : null}
            {s.error ? <StepError error={s.error} className="ml-9" testId={`step-error-${s.key}`} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

export function RunLog({
  log,
  loading,
  height = "h-64",
}: {
  log: LogLine[] | undefined;
  loading?: boolean;
  height?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const count = log?.length ?? 0;
  useEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <div
      ref={box}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      role="log"
      aria-label="Run log"
      aria-live="off"
      tabIndex={0}
      data-testid="run-log"
      className={`${height} overflow-auto rounded-lg bg-slate-950 px-3 py-2 font-mono text-xs leading-5 text-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-500`}
    >
      {count === 0 ? (
        <p className="text-slate-500">{loading ? "Loading log…" : "No log lines yet."}</p>
      ) : (
        log!.map((l) => (
          <div key={l.id} className="flex gap-3 whitespace-pre-wrap">
            <span className="shrink-0 text-slate-500">{formatTime(l.at)}</span>
            <span
              className={`shrink-0 ${l.level === "error" ? "text-red-400" : l.level === "warn" ? "text-amber-300" : "text-sky-300"}`}
            >
              {l.level.padEnd(5)}
            </span>
            <span className="min-w-0 break-words">{l.message}</span>
          </div>
        ))
      )}
    </div>
  );
}

/** One sentence for screen readers whenever a step moves: "Set up repository: Succeeded". */
function announcement(run: Run | undefined): string {
  if (!run?.steps) return "";
  const running = run.steps.find((s) => s.status === "running");
  if (running) return `${running.label}: running`;
  const finished = [...run.steps].reverse().find((s) => s.status !== "pending");
  if (!finished) return `Bootstrap ${statusLabel("run", runState(run)).toLowerCase()}`;
  return `${finished.label}: ${statusLabel("step", finished.status)}. Bootstrap ${statusLabel("run", runState(run)).toLowerCase()}.`;
}

export function BootstrapStep() {
  const { session, runs, runsLoading } = useWizard();
  const listed = latestRun(runs, "bootstrap");
  const detail = useRunDetail(listed?.id);
  // The run's own query (which also brings the log) and the runs list poll separately: show
  // whichever saw the run last, so the steps never lag behind the log beside them.
  const run =
    detail.data && listed && detail.data.id === listed.id && detail.data.updatedAt >= listed.updatedAt
      ? detail.data
      : listed;
  const active = isRunActive(run);
  const start = useSessionAction(session, (id, version) => api.startBootstrap(id, version));
  const resume = useSessionAction(session, (id, version) => api.resumeBootstrap(id, version));
  const cancelRun = useSessionAction(session, (_id, version) => api.cancelRun(run!.id, version), {
    onSuccess: () =>
      toast({
        message: "Cancellation requested — the bootstrap stops at its next safe point",
        href: run ? `/runs/${run.id}` : undefined,
        linkLabel: "View run",
      }),
  });
  const {
    bootstrap: bootstrapAction,
    resume: resumeAction,
    cancelRun: cancelRunAction,
    overrideActivate,
  } = session.actions;

  const steps: RunStep[] =
    run?.steps ??
    PIPELINE_STEPS.map((s) => ({
      key: s.key,
      label: s.label,
      status: "pending",
      attempts: 0,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      result: null,
      error: null,
    }));
  const failedStep = steps.find((s) => s.status === "failed");
  const failed = session.lifecycleState === "bootstrap_failed";
  const error = start.error ?? resume.error ?? cancelRun.error;

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        Five idempotent steps create the platform: its record, infrastructure, repository, first deployment, and a final
        check. A failed run resumes at the first step that has not succeeded.
      </p>

      <div className="flex min-h-10 flex-wrap items-center gap-3">
        {!run && !isRoleRefusal(bootstrapAction) ? (
          <Button
            onClick={() => start.mutate()}
            loading={start.isPending}
            icon={<PlayIcon />}
            {...actionButtonProps(bootstrapAction, "bootstrap-blocked")}
          >
            Start bootstrap
          </Button>
        ) : null}
        {!run ? <ActionReason decision={bootstrapAction} id="bootstrap-blocked" /> : null}
        {resumeAction.allowed ? (
          <Button onClick={() => resume.mutate()} loading={resume.isPending} icon={<RefreshIcon />}>
            Resume
          </Button>
        ) : null}
        {isRoleRefusal(resumeAction) ? <ActionReason decision={resumeAction} id="resume-blocked" /> : null}
        {cancelRunAction.allowed && active && run ? (
          <Button
            variant="subtle-danger"
            onClick={() => cancelRun.mutate()}
            loading={cancelRun.isPending}
            disabled={!!run.cancelRequestedAt}
            aria-describedby={run.cancelRequestedAt ? "cancel-run-state" : undefined}
            icon={<StopIcon />}
          >
            {run.cancelRequestedAt ? "Cancelling…" : "Cancel run"}
          </Button>
        ) : null}
        {cancelRunAction.allowed && run?.cancelRequestedAt && active ? (
          <span id="cancel-run-state" className="text-sm text-slate-500">
            Cancellation requested; the run stops at its next safe point.
          </span>
        ) : null}
        {run ? (
          <>
            <StatusBadge kind="run" value={runState(run)} testId="bootstrap-run-state" />
            <span className="text-xs text-slate-500">Attempt {run.attempt}</span>
            <Link href={`/runs/${run.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
              Run details
            </Link>
          </>
        ) : null}
      </div>
      <ActionError
        error={error}
        sessionId={session.id}
        onDismiss={() => (start.reset(), resume.reset(), cancelRun.reset())}
      />

      <p className="sr-only" aria-live="polite">
        {announcement(run)}
      </p>

      <RunHealthNotice health={session.health?.runKind === "bootstrap" ? session.health : null} />
      {runsLoading ? <LoadingBlock lines={5} label="Loading bootstrap…" /> : <StepTimeline steps={steps} />}

      {failed && run && !active ? (
        <Alert
          tone="danger"
          role="alert"
          testId="bootstrap-failed"
          title={
            failedStep
              ? `Bootstrap failed at “${failedStep.label}”`
              : run.outcome === "cancelled"
                ? "Bootstrap was cancelled"
                : "Bootstrap failed"
          }
        >
          <p>
            {failedStep?.error?.message || humanize(run.reasonCode) || "The run stopped."}{" "}
            {resumeAction.allowed ? "Fix the cause if needed, then resume: steps that succeeded are not repeated." : ""}
          </p>
          {overrideActivate.allowed ? (
            <p>
              Or, if the platform is fine as it is,{" "}
              <Link className="font-medium underline" href={stepHref(session.id, "activate")}>
                activate it with an override
              </Link>
              .
            </p>
          ) : null}
        </Alert>
      ) : null}
      {session.lifecycleState === "ready_for_activation" ? (
        <Alert
          tone="success"
          testId="bootstrap-complete"
          title="Bootstrap complete"
          actions={
            <ButtonLink href={stepHref(session.id, "activate")} size="sm" variant="secondary">
              Continue to Activate <ChevronRightIcon />
            </ButtonLink>
          }
        >
          The platform exists and its first deployment is live. Review and activate it next.
        </Alert>
      ) : null}

      <section aria-labelledby="log-heading" className="space-y-2">
        <h3 id="log-heading" className="text-sm font-semibold text-slate-900">
          Live log
        </h3>
        {run ? <RunLog log={detail.data?.log} loading={detail.isPending} /> : <RunLog log={[]} />}
      </section>
    </div>
  );
}
