"use client";

// The one step shell of the wizard: header (name, lifecycle, version, cancel), stepper,
// the step's heading (focused when the step changes) and its back/continue links. Each
// step's page renders only its own content inside.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useSessionBroadcast } from "@/lib/client/broadcast";
import { useCan } from "@/lib/client/hooks/use-me";
import { useRuns, useSession } from "@/lib/client/hooks/use-onboarding";
import { useWatch } from "@/lib/client/hooks/use-watch";
import { isRunActive, isSessionActive } from "@/lib/client/polling";
import { queryKeys } from "@/lib/client/query-keys";
import {
  stepBySegment,
  stepHref,
  stepIndex,
  stepReachable as reachable,
  WIZARD_STEPS,
} from "@/lib/client/wizard-steps";
import { Alert } from "../ui/alert";
import { ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { ArrowLeftIcon, ChevronRightIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { CancelledBanner } from "./cancelled-banner";
import { ShellSkeleton } from "./shell-skeleton";
import { WizardHeader } from "./wizard-header";
import { Stepper } from "./wizard-stepper";
import { WizardProvider } from "./wizard-context";

export function WizardShell({ id, children }: { id: string; children: ReactNode }) {
  const qc = useQueryClient();
  const pathname = usePathname();
  const sessionQuery = useSession(id);
  const runsQuery = useRuns(id);
  // While a checkpoint is active, one conditional request per tick feeds the session and runs.
  useWatch(id, isSessionActive(sessionQuery.data) || !!runsQuery.data?.items.some(isRunActive));
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
    if (sessionQuery.isError)
      return (
        <QueryError error={sessionQuery.error} onRetry={() => void sessionQuery.refetch()} what="this onboarding" />
      );
    return <ShellSkeleton />;
  }

  const index = stepIndex(viewing.key);
  const prev = index > 0 ? WIZARD_STEPS[index - 1] : null;
  const next = index < WIZARD_STEPS.length - 1 ? WIZARD_STEPS[index + 1] : null;
  const canView = reachable(session, viewing);

  return (
    <WizardProvider value={{ id, session, runs: runsQuery.data?.items ?? [], runsLoading: runsQuery.isPending, can }}>
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
                  Finish{" "}
                  <Link className="font-medium underline" href={stepHref(id, session.currentCheckpoint)}>
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
