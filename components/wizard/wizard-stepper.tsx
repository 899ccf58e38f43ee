"use client";

// The five steps as a stepper: each one's state (done, current, needs attention, not yet
// available), linked when it can be opened.
import Link from "next/link";
import type { Session } from "@/lib/client/types";
import {
  stepHref,
  stepReachable as reachable,
  stepState,
  WIZARD_STEPS,
  type StepState,
  type WizardStep,
} from "@/lib/client/wizard-steps";
import { CheckIcon, LockIcon, WarningIcon } from "../ui/icons";

const STATE_TEXT: Record<StepState, string> = {
  done: "done",
  current: "current",
  blocked: "needs attention",
  upcoming: "not yet available",
};

export function Stepper({ session, viewing }: { session: Session; viewing: WizardStep }) {
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
              <span
                className={`h-1 w-full rounded-full ${state === "done" ? "bg-emerald-500" : state === "blocked" ? "bg-amber-400" : state === "current" ? "bg-indigo-500" : "bg-slate-200"}`}
              />
              <span className="mt-2 flex items-center gap-2">
                <span aria-hidden className={`flex size-6 shrink-0 items-center justify-center rounded-full ${tone}`}>
                  {marker}
                </span>
                <span aria-hidden className="hidden min-w-0 flex-col sm:flex">
                  <span className={`truncate text-sm font-medium ${isViewing ? "text-slate-900" : "text-slate-700"}`}>
                    {step.label}
                  </span>
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
                <Link
                  href={stepHref(session.id, step.key)}
                  aria-current={isViewing ? "step" : undefined}
                  className={`${cls} hover:bg-white`}
                >
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
