"use client";

// The wizard's header: the platform's name, lifecycle, version and last update, the audit
// trail link, and Cancel onboarding with its confirmation.
import Link from "next/link";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useCan } from "@/lib/client/hooks/use-me";
import { useRuns, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import type { Session } from "@/lib/client/types";
import { StatusBadge } from "../status-badge";
import { Button, ButtonLink } from "../ui/button";
import { Field, Textarea } from "../ui/field";
import { Dialog } from "../ui/dialog";
import { ArrowLeftIcon, Spinner } from "../ui/icons";
import { RelativeTime } from "../ui/relative-time";
import { ActionError } from "./action-error";

export function WizardHeader({ session, refreshing }: { session: Session; refreshing: boolean }) {
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
  const cancel = useSessionAction(
    session,
    (id, version, why: string) => api.cancelOnboarding(id, version, why || undefined),
    {
      onSuccess: () => {
        setReason("");
        onClose();
      },
    },
  );
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
            <Textarea
              id={id}
              aria-describedby={describedBy}
              maxLength={2000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <ActionError error={cancel.error} sessionId={session.id} />
      </div>
    </Dialog>
  );
}
