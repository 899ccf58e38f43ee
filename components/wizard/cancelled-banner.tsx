"use client";

// Shown on a cancelled onboarding: what it left behind, and removing it (deprovision).
import Link from "next/link";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { formatDate, humanize } from "@/lib/client/format";
import { latestRun, useRuns, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { isRunActive } from "@/lib/client/polling";
import type { Session } from "@/lib/client/types";
import { DeprovisionDialog } from "../resources/deprovision-dialog";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Spinner } from "../ui/icons";
import { ActionError } from "./action-error";
import { isRoleRefusal } from "./action-reason";

export function CancelledBanner({ session }: { session: Session }) {
  const runs = useRuns(session.id);
  const deprovisionRun = latestRun(runs.data?.items, "deprovision");
  const [confirming, setConfirming] = useState(false);
  const deprovision = useSessionAction(session, (id, version) => api.deprovision(id, version), {
    onSuccess: () => setConfirming(false),
  });
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
        <p>
          Bootstrap already created resources for this platform (its record, infrastructure, repository). Remove them if
          they are not needed.
        </p>
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
