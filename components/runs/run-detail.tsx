"use client";

import Link from "next/link";
import { api } from "@/lib/client/api";
import { formatDate, formatDuration, formatTime, humanize } from "@/lib/client/format";
import { useRunDetail, useSession, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import type { AccessCheck, Run, RunStep } from "@/lib/client/types";
import { stepHref } from "@/lib/client/wizard-steps";
import { PageHeader } from "../page-header";
import { runState, StatusBadge } from "../status-badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ArrowLeftIcon, StopIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { LoadingBlock, Skeleton } from "../ui/skeleton";
import { ActionError } from "../wizard/action-error";
import { RunLog } from "../wizard/steps/bootstrap-step";
import { CheckList } from "../wizard/steps/verify-access-step";
import { StepError } from "./step-error";
import { toast } from "@/lib/client/toast";
import { RunHealthNotice } from "./run-health";
import { RunWaterfall } from "./run-waterfall";

const KIND_LABEL: Record<Run["kind"], string> = {
  verify_access: "Verify Access",
  recheck_access: "Re-check",
  bootstrap: "Bootstrap",
  deprovision: "Deprovision",
};

const DOT: Record<RunStep["status"], string> = {
  pending: "bg-white ring-2 ring-slate-300",
  running: "bg-indigo-500 ring-4 ring-indigo-100 animate-pulse",
  succeeded: "bg-emerald-500 ring-4 ring-emerald-100",
  failed: "bg-red-500 ring-4 ring-red-100",
  cancelled: "bg-slate-400 ring-4 ring-slate-100",
  skipped: "bg-slate-300 ring-4 ring-slate-50",
};

function totalDuration(run: Run): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : null;
  return end ? end - new Date(run.startedAt).getTime() : null;
}

function Timeline({ steps }: { steps: RunStep[] }) {
  return (
    <ol className="relative" data-testid="run-timeline">
      {steps.map((s, i) => (
        <li key={s.key} className="relative flex gap-4 pb-6 last:pb-0" data-step={s.key} data-status={s.status}>
          {i < steps.length - 1 ? (
            <span aria-hidden className="absolute top-4 bottom-0 left-[7px] w-px bg-slate-200" />
          ) : null}
          <span aria-hidden className={`relative mt-1 size-3.5 shrink-0 rounded-full ${DOT[s.status]}`} />
          <div className="min-w-0 flex-1">
            <div className="flex items-start justify-between gap-3">
              <p className="min-w-0 text-sm font-medium text-slate-900">
                {s.label} <code className="font-mono text-xs font-normal text-slate-500">{s.key}</code>
              </p>
              <StatusBadge kind="step" value={s.status} className="shrink-0" />
            </div>
            <dl className="mt-1 flex flex-wrap gap-x-5 gap-y-0.5 text-xs text-slate-600">
              <div className="flex gap-1">
                <dt className="text-slate-500">Started</dt>
                <dd>{s.startedAt ? formatTime(s.startedAt) : "—"}</dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">Finished</dt>
                <dd>{s.finishedAt ? formatTime(s.finishedAt) : "—"}</dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">Duration</dt>
                <dd className="tabular-nums">{formatDuration(s.durationMs)}</dd>
              </div>
              <div className="flex gap-1">
                <dt className="text-slate-500">Attempts</dt>
                <dd className="tabular-nums">{s.attempts}</dd>
              </div>
            </dl>
            {s.error ? <StepError error={s.error} /> : null}
            {s.result &&
            Object.keys(s.result).length &&
            s.key !== "check_infrastructure" &&
            s.key !== "check_repository" &&
            s.key !== "recheck" ? (
              <details className="mt-2 text-xs">
                <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Result</summary>
                <pre className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-2 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200">
                  {JSON.stringify(s.result, null, 2)}
                </pre>
              </details>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function RunDetail({ id }: { id: string }) {
  const run = useRunDetail(id);
  const session = useSession(run.data?.sessionId ?? "");
  const cancel = useSessionAction(session.data, (_sid, version) => api.cancelRun(id, version), {
    onSuccess: () =>
      toast({
        message: "Cancellation requested — the run stops at its next safe point",
        href: `/runs/${id}`,
        linkLabel: "View run",
      }),
  });

  if (run.isPending) {
    return (
      <div className="space-y-4" role="status">
        <span className="sr-only">Loading the run…</span>
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-64 rounded-xl" />
      </div>
    );
  }
  if (!run.data) return <QueryError error={run.error} onRetry={() => void run.refetch()} what="this run" />;

  const r = run.data;
  const active = isRunActive(r);
  const backStep = r.kind === "verify_access" || r.kind === "recheck_access" ? "verify_access" : "bootstrap";

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={stepHref(r.sessionId, backStep)} className="inline-flex items-center gap-1 hover:text-slate-700">
            <ArrowLeftIcon className="size-3.5" /> {session.data ? session.data.platformName : "Onboarding"}
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {KIND_LABEL[r.kind]} run
            <span aria-live="polite">
              <StatusBadge kind="run" value={runState(r)} testId="run-state" />
            </span>
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono text-xs">
              {r.id} · attempt {r.attempt}
            </span>
            <Link href="/operations" className="text-xs font-medium text-indigo-700 hover:underline">
              All operations
            </Link>
          </span>
        }
        actions={
          active && session.data?.actions.cancelRun.allowed ? (
            <Button
              variant="subtle-danger"
              icon={<StopIcon />}
              loading={cancel.isPending}
              disabled={!!r.cancelRequestedAt}
              onClick={() => cancel.mutate()}
            >
              {r.cancelRequestedAt ? "Cancelling…" : "Cancel run"}
            </Button>
          ) : null
        }
      />
      <div className="space-y-5">
        {session.data ? (
          <ActionError error={cancel.error} sessionId={session.data.id} onDismiss={cancel.reset} />
        ) : null}
        <RunHealthNotice health={r.health} />
        <Card as="div">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 px-5 py-4 text-sm sm:grid-cols-4">
            {[
              ["Queued", formatDate(r.createdAt)],
              ["Started", formatDate(r.startedAt)],
              ["Finished", r.finishedAt ? formatDate(r.finishedAt) : active ? "Still running" : "—"],
              ["Duration", formatDuration(totalDuration(r))],
            ].map(([k, v]) => (
              <div key={k}>
                <dt className="text-xs text-slate-500">{k}</dt>
                <dd className="mt-0.5 text-slate-900">{v}</dd>
              </div>
            ))}
            {r.reasonCode ? (
              <div className="col-span-2 sm:col-span-4">
                <dt className="text-xs text-slate-500">Reason</dt>
                <dd className="mt-0.5">
                  {humanize(r.reasonCode)} <code className="font-mono text-xs text-slate-600">{r.reasonCode}</code>
                </dd>
              </div>
            ) : null}
          </dl>
        </Card>

        <Card>
          <CardHeader
            title="Timeline"
            description="Queue wait, every attempt of every step, backoffs and takeovers. Hover a bar for exact times."
          />
          <CardBody>
            <RunWaterfall run={r} />
          </CardBody>
        </Card>

        <div className="grid gap-5 lg:grid-cols-2">
          <Card>
            <CardHeader
              title="Steps"
              description={active ? "Updates every 5 seconds while the run is active." : undefined}
            />
            <CardBody>{r.steps?.length ? <Timeline steps={r.steps} /> : <LoadingBlock lines={3} />}</CardBody>
          </Card>
          <Card>
            <CardHeader title="Log" description={`${r.log?.length ?? 0} lines`} />
            <CardBody>
              <RunLog log={r.log} height="h-[28rem]" />
            </CardBody>
          </Card>
        </div>

        {r.kind === "verify_access" && r.report?.checks?.length ? (
          <Card>
            <CardHeader title="Verification report" />
            <CardBody>
              <CheckList checks={r.report.checks} />
            </CardBody>
          </Card>
        ) : null}
        {r.kind === "recheck_access" ? <RecheckResult run={r} /> : null}
      </div>
    </>
  );
}

/** A re-check's one check, and the verification it updated. */
function RecheckResult({ run }: { run: Run }) {
  const check = (run.steps?.find((s) => s.key === "recheck")?.result as { check?: AccessCheck } | null)?.check;
  const target = (run.report as { target?: { verifyRunId?: string } } | null)?.target;
  if (!check) return null;
  return (
    <Card>
      <CardHeader title="Re-checked" />
      <CardBody>
        <CheckList checks={[check]} />
        {target?.verifyRunId ? (
          <p className="mt-3 text-sm text-slate-600">
            Written into the report of{" "}
            <Link href={`/runs/${target.verifyRunId}`} className="font-medium text-indigo-700 hover:underline">
              the verification run
            </Link>
            .
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}
