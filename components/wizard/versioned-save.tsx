"use client";

// Saving a wizard form with the version it was loaded from, and everything that can happen
// around it: a refused save (409/412) with who/when/what and reload-or-review, a save in
// another tab while this one has unsaved edits, and unsaved edits when leaving the page.
import { useEffect, useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ApiProblem } from "@/lib/client/api";
import { useSessionBroadcast } from "@/lib/client/broadcast";
import { useSessionSaved } from "@/lib/client/hooks/use-onboarding";
import type { VersionedForm } from "@/lib/client/hooks/use-versioned-form";
import { queryKeys } from "@/lib/client/query-keys";
import type { PatchOnboardingInput, Session } from "@/lib/client/types";
import { Button } from "../ui/button";
import { CheckIcon } from "../ui/icons";
import { ConflictNotice, ReviewNotice, StaleEditsBanner } from "./conflict-notice";
import { useWizard } from "./wizard-context";

type Values = Record<string, string | number | boolean | null>;

export function useVersionedSave<V extends Values>(
  form: VersionedForm<V>,
  toPatch: (changes: Partial<V>) => PatchOnboardingInput,
) {
  const { id, session } = useWizard();
  const qc = useQueryClient();
  const saved = useSessionSaved(id);
  const [conflict, setConflict] = useState<{ problem: ApiProblem; myVersion: number } | null>(null);
  const [reviewing, setReviewing] = useState<number | null>(null);
  const [otherTabVersion, setOtherTabVersion] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const mutation = useMutation({
    mutationFn: (vars: { version: number; patch: PatchOnboardingInput }) =>
      api.patchSession(id, vars.version, vars.patch),
    onSuccess: (next) => {
      saved(next);
      form.reset(next);
      setConflict(null);
      setReviewing(null);
      setOtherTabVersion(null);
    },
    onError: (err, vars) => {
      if (err instanceof ApiProblem && err.isVersionConflict) setConflict({ problem: err, myVersion: vars.version });
    },
  });

  useSessionBroadcast(id, (message) => {
    if (form.dirty && message.version > form.version) setOtherTabVersion(message.version);
  });

  // Typed input is never lost silently: leaving with unsaved edits asks first.
  useEffect(() => {
    if (!form.dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [form.dirty]);

  const latest = () =>
    qc.fetchQuery({
      queryKey: queryKeys.onboardings.session(id),
      queryFn: ({ signal }) => api.session(id, signal),
      staleTime: 0,
    });

  const settle = async (apply: (s: Session) => void, review: boolean) => {
    setBusy(true);
    try {
      const current = await latest();
      apply(current);
      setReviewing(review ? current.version : null);
      setConflict(null);
      setOtherTabVersion(null);
      mutation.reset();
      void qc.invalidateQueries({ queryKey: queryKeys.onboardings.detail(id) });
    } finally {
      setBusy(false);
    }
  };

  const reload = () => settle(form.reset, false);
  const review = () => settle(form.rebase, true);
  const save = () => mutation.mutate({ version: form.version, patch: toPatch(form.changes()) });

  const latestVersion = Math.max(session.version, otherTabVersion ?? 0);
  const stale = form.dirty && latestVersion > form.version && !conflict;

  return {
    save,
    reload,
    review,
    mutation,
    busy,
    conflict,
    /** A non-conflict failure (validation, slug taken, run active…). */
    error:
      mutation.error && !(mutation.error instanceof ApiProblem && mutation.error.isVersionConflict)
        ? mutation.error
        : null,
    banners: (reviewRows: { label: string; mine: string; current: string }[]): ReactNode => (
      <>
        {conflict ? (
          <ConflictNotice
            sessionId={id}
            myVersion={conflict.myVersion}
            problem={conflict.problem}
            onReload={() => void reload()}
            onReview={() => void review()}
            busy={busy}
          />
        ) : null}
        {stale ? (
          <StaleEditsBanner
            fromOtherTab={otherTabVersion !== null}
            myVersion={form.version}
            latestVersion={latestVersion}
            onReload={() => void reload()}
            onReview={() => void review()}
          />
        ) : null}
        {reviewing !== null && form.dirty && !conflict && !stale ? (
          <ReviewNotice version={reviewing} rows={reviewRows} />
        ) : null}
      </>
    ),
  };
}

/** The form's submit button, with its state in words ("Unsaved changes", "All changes saved"). */
export function SaveBar({
  dirty,
  pending,
  disabledReason,
  version,
  label = "Save",
}: {
  dirty: boolean;
  pending: boolean;
  disabledReason?: string | null;
  version: number;
  label?: string;
}) {
  return (
    <div className="flex flex-wrap items-center justify-end gap-3 border-t border-slate-100 pt-4">
      <p className="mr-auto text-xs text-slate-500" aria-live="polite" data-testid="save-state">
        {disabledReason ? (
          disabledReason
        ) : dirty ? (
          <>Unsaved changes · based on version {version}</>
        ) : (
          <span className="inline-flex items-center gap-1">
            <CheckIcon className="size-3.5 text-emerald-600" /> All changes saved
          </span>
        )}
      </p>
      <Button type="submit" loading={pending} disabled={!dirty || !!disabledReason}>
        {label}
      </Button>
    </div>
  );
}
