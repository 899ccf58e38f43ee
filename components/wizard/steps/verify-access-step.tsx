"use client";

import Link from "next/link";
import { api } from "@/lib/client/api";
import { formatDate, humanize } from "@/lib/client/format";
import { latestRun, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import { RunHealthNotice } from "@/components/runs/run-health";
import type { AccessCheck, Run } from "@/lib/client/types";
import { stepHref } from "@/lib/client/wizard-steps";
import { runState, StatusBadge } from "../../status-badge";
import { Alert } from "../../ui/alert";
import { Button, ButtonLink } from "../../ui/button";
import { ChevronRightIcon, PlayIcon, RefreshIcon, Spinner } from "../../ui/icons";
import { LoadingBlock } from "../../ui/skeleton";
import { ActionError } from "../action-error";
import { useWizard } from "../wizard-context";
import { ActionReason, actionButtonProps, isRoleRefusal } from "../action-reason";
import { CheckAssist, type RecheckControl } from "../check-assist";

export function checksOf(run: Run | undefined): AccessCheck[] {
  if (!run) return [];
  if (run.report?.checks?.length) return run.report.checks;
  return (run.steps ?? []).flatMap((s) => (s.result as { checks?: AccessCheck[] } | null)?.checks ?? []);
}

export function CheckList({ checks, recheck }: { checks: AccessCheck[]; recheck?: RecheckControl }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="check-list">
      {checks.map((c) => (
        <li
          key={c.key}
          className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-start sm:gap-4"
          data-check={c.key}
          data-status={c.status}
        >
          <div className="w-24 shrink-0">
            <StatusBadge kind="check" value={c.status} />
          </div>
          <div className="min-w-0 flex-1 text-sm">
            <p className="font-medium text-slate-900">{c.label}</p>
            <p className="text-slate-600">{c.message}</p>
            {c.reasonCode ? (
              <p className="mt-1 text-xs text-slate-500">
                Reason code <code className="rounded bg-slate-100 px-1 font-mono text-slate-700">{c.reasonCode}</code>
              </p>
            ) : null}
            {c.remediation ? (
              <p className="mt-1.5 rounded-md bg-amber-50 px-2.5 py-1.5 text-xs text-amber-950 ring-1 ring-amber-200">
                <span className="font-semibold">How to fix: </span>
                {c.remediation}
              </p>
            ) : null}
            {c.status !== "pass" && (c.assist || recheck) ? <CheckAssist check={c} recheck={recheck} /> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

export function VerifyAccessStep() {
  const { session, runs, runsLoading } = useWizard();
  const run = latestRun(runs, "verify_access");
  const active = isRunActive(run);
  const start = useSessionAction(session, (id, version) => api.startVerify(id, version));
  const checks = checksOf(run);
  const recheckRun = latestRun(runs, "recheck_access");
  const rechecking = isRunActive(recheckRun) ? (recheckRun?.report?.target?.checkKey ?? null) : null;
  const recheckStart = useSessionAction(session, (id, version, checkKey: string) =>
    api.recheckAccess(id, version, checkKey),
  );
  const recheckAction = session.actions.recheckAccess;
  const recheck: RecheckControl | undefined =
    run && !active && !isRoleRefusal(recheckAction)
      ? {
          allowed: recheckAction.allowed && !recheckStart.isPending,
          reason: recheckAction.allowed ? undefined : recheckAction.message,
          running: rechecking ?? (recheckStart.isPending ? (recheckStart.variables ?? null) : null),
          pending: recheckStart.isPending,
          onRecheck: (key) => recheckStart.mutate(key),
        }
      : undefined;
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;

  const verify = session.actions.verifyAccess;
  const stale = session.reasonCode === "reverify_required";

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        Checks every permission the pipeline will need — infrastructure account and quota, repository credentials, the
        right to create repositories, the stack template and the repository name — before anything is created.
      </p>

      <div className="flex flex-wrap items-center gap-3">
        {isRoleRefusal(verify) ? null : (
          <Button
            loading={start.isPending}
            onClick={() => start.mutate()}
            icon={run ? <RefreshIcon /> : <PlayIcon />}
            {...actionButtonProps(verify, "verify-blocked")}
          >
            {run ? "Re-run verification" : "Run verification"}
          </Button>
        )}
        <ActionReason decision={verify} id="verify-blocked" />
        {run ? (
          <Link href={`/runs/${run.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Run details
          </Link>
        ) : null}
      </div>
      <ActionError
        error={start.error ?? recheckStart.error}
        sessionId={session.id}
        onDismiss={() => (start.reset(), recheckStart.reset())}
      />

      <div aria-live="polite" className="space-y-4">
        <RunHealthNotice health={session.health?.runKind === "verify_access" ? session.health : null} />
        {runsLoading ? <LoadingBlock lines={4} label="Loading verification…" /> : null}
        {!runsLoading && !run ? (
          <div className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600">
            Not verified yet.{verify.allowed ? " Run verification to see what the pipeline will be allowed to do." : ""}
          </div>
        ) : null}

        {run && active ? (
          <div className="rounded-lg border border-indigo-200 bg-indigo-50/60 px-4 py-3" data-testid="verify-progress">
            <p className="flex items-center gap-2 text-sm font-medium text-indigo-900">
              <Spinner /> {run.status === "queued" ? "Verification queued…" : "Verifying access…"}
            </p>
            <ul className="mt-2 space-y-1.5">
              {(run.steps ?? []).map((s) => (
                <li key={s.key} className="flex items-center justify-between gap-3 text-sm">
                  <span className="text-slate-700">{s.label}</span>
                  <StatusBadge kind="step" value={s.status} />
                </li>
              ))}
            </ul>
            <p className="mt-2 text-xs text-indigo-800/80">This page updates by itself every few seconds.</p>
          </div>
        ) : null}

        {run && !active && session.lifecycleState === "action_required" ? (
          <Alert
            tone="warning"
            role="alert"
            testId="verify-action-required"
            title="Action required before bootstrap"
            actions={
              verify.allowed ? (
                <Button size="sm" onClick={() => start.mutate()} loading={start.isPending} icon={<RefreshIcon />}>
                  Re-run verification
                </Button>
              ) : undefined
            }
          >
            <p>
              Verification found {counts.fail === 1 ? "a problem" : `${counts.fail} problems`} that would make the
              pipeline fail
              {session.blockingReasonCode ? (
                <>
                  : <span className="font-medium">{humanize(session.blockingReasonCode)}</span>{" "}
                  <code className="rounded bg-white/70 px-1 font-mono text-xs">{session.blockingReasonCode}</code>
                </>
              ) : null}
              . Fix what each failed check says below, then verify again.
            </p>
          </Alert>
        ) : null}
        {run && !active && run.outcome === "failed" && session.lifecycleState !== "action_required" ? (
          <Alert tone="danger" title="Verification could not finish">
            <p>
              {run.reasonCode ? humanize(run.reasonCode) : "The run failed."} See the run details for the log, then run
              it again.
            </p>
          </Alert>
        ) : null}
        {stale && run && !active ? (
          <Alert tone="info" title="Details changed since the last verification">
            The slug, connection or template changed after this report was made. Verify again before bootstrapping.
          </Alert>
        ) : null}
        {run && !active && session.lifecycleState === "ready_for_bootstrap" ? (
          <Alert
            tone="success"
            testId="verify-passed"
            title={
              counts.warn
                ? `Access verified with ${counts.warn} warning${counts.warn === 1 ? "" : "s"}`
                : "Access verified"
            }
            actions={
              <ButtonLink href={stepHref(session.id, "bootstrap")} size="sm" variant="secondary">
                Continue to Bootstrap <ChevronRightIcon />
              </ButtonLink>
            }
          >
            Everything the pipeline needs is in place.
          </Alert>
        ) : null}

        {checks.length ? (
          <section aria-labelledby="report-heading" className="space-y-2">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 id="report-heading" className="text-sm font-semibold text-slate-900">
                Report
              </h3>
              <p className="text-xs text-slate-500">
                {counts.pass} passed · {counts.warn} warnings · {counts.fail} failed
                {run?.report?.checkedAt ? ` · checked ${formatDate(run.report.checkedAt)}` : ""}
                {run?.report?.recheckedAt ? ` · re-checked ${formatDate(run.report.recheckedAt)}` : ""}
                {run ? (
                  <>
                    {" · "}
                    <StatusBadge kind="run" value={runState(run)} className="align-middle" />
                  </>
                ) : null}
              </p>
            </div>
            <CheckList checks={checks} recheck={recheck} />
          </section>
        ) : null}
      </div>
    </div>
  );
}
