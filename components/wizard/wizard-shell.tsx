"use client";

// The one step shell of the wizard: header (name, lifecycle, version, cancel), stepper,
// the step's heading (focused when the step changes) and its back/continue links. Each
// step's page renders only its own content inside.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { useSessionBroadcast } from "@/lib/client/broadcast";
import { formatDate, humanize } from "@/lib/client/format";
import { useCan } from "@/lib/client/hooks/use-me";
import { latestRun, useRuns, useSession, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import { queryKeys } from "@/lib/client/query-keys";
import type { Session } from "@/lib/client/types";
import { stepBySegment, stepHref, stepIndex, stepReachable as reachable, stepState, WIZARD_STEPS, type StepState, type WizardStep } from "@/lib/client/wizard-steps";
import { DeprovisionDialog } from "../resources/deprovision-dialog";
import { StatusBadge } from "../status-badge";
import { Alert } from "../ui/alert";
import { Button, ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Textarea } from "../ui/field";
import { Dialog } from "../ui/dialog";
import { ArrowLeftIcon, CheckIcon, ChevronRightIcon, LockIcon, Spinner, WarningIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { Skeleton } from "../ui/skeleton";
import { ActionError } from "./action-error";
import { isRoleRefusal } from "./action-reason";
import { WizardProvider } from "./wizard-context";

export function WizardShell({ id, children }: { id: string; children: ReactNode }) {
  const qc = useQueryClient();
  const pathname = usePathname();
  const sessionQuery = useSession(id);
  const runsQuery = useRuns(id);
  const { can } = useCan();
  const viewing = stepBySegment(pathname.split("/").at(-1)) ?? WIZARD_STEPS[0];

  // Another tab saved this onboarding: refresh now (forms with unsaved edits keep them).
  useSessionBroadcast(id, () => void qc.invalidateQueries({ queryKey: queryKeys.onboardings.detail(id) }));

  // Move focus to the step's heading when the operator moves between steps.
  const heading = useRef<HTMLHeadingElement>(null);
  const lastStep = useRef<string | null>(null);
  useEffect(() => {
    if (lastStep.current !== null && lastStep.current !== viewing.key) heading.current?.focus();
    lastStep.current = viewing.key;
  }, [viewing.key]);

  const session = sessionQuery.data;
  if (!session) {
    if (sessionQuery.isError) return <QueryError error={sessionQuery.error} onRetry={() => void sessionQuery.refetch()} what="this onboarding" />;
    return <ShellSkeleton />;
  }

  const index = stepIndex(viewing.key);
  const prev = index > 0 ? WIZARD_STEPS[index - 1] : null;
  const next = index < WIZARD_STEPS.length - 1 ? WIZARD_STEPS[index + 1] : null;
  const canView = reachable(session, viewing);

  return (
    <WizardProvider
      value={{ id, session, runs: runsQuery.data?.items ?? [], runsLoading: runsQuery.isPending, can }}
    >
      <div className="space-y-5">
        <WizardHeader session={session} refreshing={sessionQuery.isFetching} />
        {session.cancelledAt ? <CancelledBanner session={session} /> : null}
        <Stepper session={session} viewing={viewing} />

        <Card aria-labelledby="step-heading">
          <div className="border-b border-slate-100 px-5 py-4 sm:px-6">
            <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">
              Step {index + 1} of {WIZARD_STEPS.length}
            </p>
            <h2 id="step-heading" ref={heading} tabIndex={-1} className="mt-0.5 text-lg font-semibold text-slate-900">
              {viewing.label}
            </h2>
          </div>
          <div className="px-5 py-5 sm:px-6">
            {canView ? (
              children
            ) : (
              <Alert tone="info" title={`${viewing.label} is not available yet`}>
                <p>
                  Finish <Link className="font-medium underline" href={stepHref(id, session.currentCheckpoint)}>
                    {WIZARD_STEPS[stepIndex(session.currentCheckpoint)].label}
                  </Link>{" "}
                  first.
                </p>
              </Alert>
            )}
          </div>
          <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-5 py-3 sm:px-6">
            {prev ? (
              <ButtonLink href={stepHref(id, prev.key)} variant="ghost" size="sm" icon={<ArrowLeftIcon />}>
                {prev.label}
              </ButtonLink>
            ) : (
              <span />
            )}
            {next && reachable(session, next) ? (
              <ButtonLink href={stepHref(id, next.key)} variant="secondary" size="sm" data-testid="continue-link">
                Continue<span className="hidden sm:inline"> to {next.label}</span>
                <span className="sr-only sm:hidden"> to {next.label}</span>
                <ChevronRightIcon />
              </ButtonLink>
            ) : next ? (
              <span className="text-xs text-slate-500">{next.label} unlocks when this step is done</span>
            ) : null}
          </div>
        </Card>
      </div>
    </WizardProvider>
  );
}

function WizardHeader({ session, refreshing }: { session: Session; refreshing: boolean }) {
  const { can } = useCan();
  const [confirming, setConfirming] = useState(false);
  const closed = !!session.cancelledAt || !!session.activatedAt;
  const cancel = session.actions.cancel;
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <Link href="/" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-700">
          <ArrowLeftIcon className="size-3.5" /> Onboardings
        </Link>
        <h1 className="mt-1 truncate text-2xl font-semibold tracking-tight text-slate-900" data-testid="wizard-title">
          {session.platformName}
        </h1>
        <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm text-slate-600">
          <span className="font-mono text-xs text-slate-600">{session.slug}</span>
          <span aria-live="polite" className="inline-flex items-center gap-1.5">
            <span className="sr-only">Lifecycle:</span>
            <StatusBadge kind="lifecycle" value={session.lifecycleState} testId="lifecycle-badge" />
          </span>
          <span className="inline-flex items-center gap-1 text-xs text-slate-500" data-testid="session-version">
            Version {session.version}
          </span>
          <span className="text-xs text-slate-500">
            Updated <RelativeTime iso={session.updatedAt} />
          </span>
          {session.reasonCode && !closed ? (
            <span className="text-xs text-slate-500">
              Reason <code className="font-mono">{session.reasonCode}</code>
            </span>
          ) : null}
          <span className="inline-flex w-4 justify-center" aria-hidden>
            {refreshing ? <Spinner className="size-3.5 text-slate-400" /> : null}
          </span>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {can("audit") ? (
          <ButtonLink href={`/onboarding/${session.id}/audit`} variant="ghost" size="sm">
            Audit trail
          </ButtonLink>
        ) : null}
        {cancel.allowed ? (
          <Button variant="subtle-danger" size="sm" onClick={() => setConfirming(true)}>
            Cancel onboarding
          </Button>
        ) : null}
      </div>
      <CancelDialog session={session} open={confirming} onClose={() => setConfirming(false)} />
    </div>
  );
}

function CancelDialog({ session, open, onClose }: { session: Session; open: boolean; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const cancel = useSessionAction(session, (id, version, why: string) => api.cancelOnboarding(id, version, why || undefined), {
    onSuccess: () => {
      setReason("");
      onClose();
    },
  });
  const activeRun = (useRuns(session.id).data?.items ?? []).some(isRunActive);
  return (
    <Dialog
      open={open}
      onClose={() => {
        cancel.reset();
        onClose();
      }}
      testId="cancel-dialog"
      title={`Cancel the onboarding of ${session.platformName}?`}
      description={
        <>
          The onboarding stops here and cannot be resumed{activeRun ? "; the run in progress is stopped" : ""}.
          {session.platformId ? " Resources already created stay until you remove them." : ""}
        </>
      }
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Keep onboarding
          </Button>
          <Button variant="danger" loading={cancel.isPending} onClick={() => cancel.mutate(reason.trim())}>
            Cancel onboarding
          </Button>
        </>
      }
    >
      <div className="space-y-3">
        <Field label="Reason" optional hint="Recorded in the audit trail.">
          {({ id, describedBy }) => (
            <Textarea id={id} aria-describedby={describedBy} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          )}
        </Field>
        <ActionError error={cancel.error} sessionId={session.id} />
      </div>
    </Dialog>
  );
}

function CancelledBanner({ session }: { session: Session }) {
  const runs = useRuns(session.id);
  const deprovisionRun = latestRun(runs.data?.items, "deprovision");
  const [confirming, setConfirming] = useState(false);
  const deprovision = useSessionAction(session, (id, version) => api.deprovision(id, version), { onSuccess: () => setConfirming(false) });
  const removing = isRunActive(deprovisionRun);
  const allowed = session.actions.deprovision;
  return (
    <Alert
      tone="warning"
      role="status"
      testId="cancelled-banner"
      title={`Cancelled ${formatDate(session.cancelledAt)}`}
      actions={
        allowed.allowed ? (
          <Button variant="secondary" size="sm" loading={deprovision.isPending} onClick={() => setConfirming(true)}>
            {deprovisionRun?.outcome === "failed" ? "Retry removing created resources" : "Remove created resources"}
          </Button>
        ) : undefined
      }
    >
      <p>This onboarding is closed; nothing more will run for it.</p>
      {isRoleRefusal(allowed) ? <p data-testid="deprovision-reason">{allowed.message}</p> : null}
      {session.platformId && !deprovisionRun ? (
        <p>Bootstrap already created resources for this platform (its record, infrastructure, repository). Remove them if they are not needed.</p>
      ) : null}
      {deprovisionRun ? (
        <p className="flex flex-wrap items-center gap-2">
          {removing ? <Spinner className="size-3.5" /> : null}
          {removing
            ? "Removing created resources…"
            : deprovisionRun.outcome === "succeeded"
              ? "Created resources were removed."
              : `Removing resources ${deprovisionRun.outcome ?? "stopped"}${deprovisionRun.reasonCode ? ` (${humanize(deprovisionRun.reasonCode)})` : ""}.`}{" "}
          <Link className="font-medium underline" href={`/runs/${deprovisionRun.id}`}>
            Run details
          </Link>
        </p>
      ) : null}
      <ActionError error={confirming ? null : deprovision.error} sessionId={session.id} onDismiss={deprovision.reset} />
      <DeprovisionDialog
        open={confirming}
        sessionId={session.id}
        slug={session.slug}
        pending={deprovision.isPending}
        error={deprovision.error}
        onConfirm={() => deprovision.mutate()}
        onClose={() => {
          setConfirming(false);
          deprovision.reset();
        }}
      />
    </Alert>
  );
}

const STATE_TEXT: Record<StepState, string> = { done: "done", current: "current", blocked: "needs attention", upcoming: "not yet available" };

function Stepper({ session, viewing }: { session: Session; viewing: WizardStep }) {
  return (
    <nav aria-label="Onboarding steps">
      <ol className="grid grid-cols-5 gap-1.5 sm:gap-2" data-testid="stepper">
        {WIZARD_STEPS.map((step, i) => {
          const state = stepState(session, step);
          const isViewing = step.key === viewing.key;
          const marker =
            state === "done" ? (
              <CheckIcon className="size-3.5" />
            ) : state === "blocked" ? (
              <WarningIcon className="size-3.5" />
            ) : state === "upcoming" ? (
              <LockIcon className="size-3" />
            ) : (
              <span className="text-xs font-semibold">{i + 1}</span>
            );
          const tone = {
            done: "bg-emerald-600 text-white",
            current: "bg-indigo-600 text-white",
            blocked: "bg-amber-500 text-white",
            upcoming: "bg-slate-200 text-slate-500",
          }[state];
          const body = (
            <>
              <span className={`h-1 w-full rounded-full ${state === "done" ? "bg-emerald-500" : state === "blocked" ? "bg-amber-400" : state === "current" ? "bg-indigo-500" : "bg-slate-200"}`} />
              <span className="mt-2 flex items-center gap-2">
                <span aria-hidden className={`flex size-6 shrink-0 items-center justify-center rounded-full ${tone}`}>
                  {marker}
                </span>
                <span aria-hidden className="hidden min-w-0 flex-col sm:flex">
                  <span className={`truncate text-sm font-medium ${isViewing ? "text-slate-900" : "text-slate-700"}`}>{step.label}</span>
                  <span className="truncate text-xs text-slate-500">{step.summary}</span>
                </span>
              </span>
              <span aria-hidden className="mt-1 block truncate text-[11px] font-medium text-slate-700 sm:hidden">
                {step.label}
              </span>
              <span className="sr-only">
                {step.label} ({STATE_TEXT[state]})
              </span>
            </>
          );
          const cls = `flex h-full flex-col rounded-lg px-1.5 pt-1.5 pb-2 sm:px-2.5 ${isViewing ? "bg-white shadow-sm ring-1 ring-slate-200" : ""}`;
          return (
            <li key={step.key} data-state={state} data-step={step.key}>
              {reachable(session, step) ? (
                <Link href={stepHref(session.id, step.key)} aria-current={isViewing ? "step" : undefined} className={`${cls} hover:bg-white`}>
                  {body}
                </Link>
              ) : (
                <span aria-disabled="true" className={`${cls} cursor-not-allowed opacity-80`}>
                  {body}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function ShellSkeleton() {
  return (
    <div role="status" aria-live="polite" className="space-y-5">
      <span className="sr-only">Loading the onboarding…</span>
      <div className="space-y-2">
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-5 w-80" />
      </div>
      <div className="grid grid-cols-5 gap-2">
        {WIZARD_STEPS.map((s) => (
          <Skeleton key={s.key} className="h-14" />
        ))}
      </div>
      <Skeleton className="h-80 rounded-xl" />
    </div>
  );
}
