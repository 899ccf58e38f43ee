"use client";

// Deprovision with the plan in front of the operator: the dry run says what will be deleted (in
// order) and what is kept because it pre-existed; typing the platform's slug unlocks the button.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { providerLabel, resourceTypeLabel } from "@/lib/client/resources";
import type { DeprovisionPlan } from "@/lib/client/types";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { QueryError } from "../ui/query-error";
import { LoadingBlock } from "../ui/skeleton";
import { ConsoleLink } from "./resource-list";

type Item = DeprovisionPlan["delete"][number] | DeprovisionPlan["keep"][number];

function PlanItem({ item, order }: { item: Item; order?: number }) {
  return (
    <li className="flex items-start gap-3 px-3 py-2" data-testid="plan-item">
      {order !== undefined ? (
        <span
          aria-hidden
          className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full bg-red-50 text-[11px] font-semibold text-red-700 ring-1 ring-red-200"
        >
          {order}
        </span>
      ) : null}
      <span className="min-w-0 flex-1">
        <span className="block text-sm text-slate-900">
          {resourceTypeLabel(item.type)}{" "}
          <span className="text-xs text-slate-500">· {providerLabel(item.provider)}</span>
        </span>
        <span className="block font-mono text-xs break-all text-slate-600">{item.name}</span>
      </span>
      <ConsoleLink href={item.consoleUrl} name={item.name} />
    </li>
  );
}

function PlanView({ plan }: { plan: DeprovisionPlan }) {
  const nothing = plan.delete.length === 0 && plan.keep.length === 0;
  return (
    <div className="space-y-3 text-sm" data-testid="deprovision-plan">
      {plan.delete.length > 0 ? (
        <section aria-labelledby="plan-delete">
          <h3 id="plan-delete" className="mb-1 font-medium text-slate-900">
            Will be deleted, in this order ({plan.delete.length})
          </h3>
          <ol
            className="max-h-[45vh] divide-y divide-slate-100 overflow-y-auto rounded-lg border border-slate-200"
            data-testid="plan-delete"
          >
            {plan.delete.map((i) => (
              <PlanItem key={i.resourceId} item={i} order={i.order} />
            ))}
          </ol>
        </section>
      ) : null}
      {plan.keep.length > 0 ? (
        <section aria-labelledby="plan-keep">
          <h3 id="plan-keep" className="mb-1 font-medium text-slate-900">
            Kept: already there before this onboarding ({plan.keep.length})
          </h3>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="plan-keep">
            {plan.keep.map((i) => (
              <PlanItem key={i.resourceId} item={i} />
            ))}
          </ul>
        </section>
      ) : null}
      {plan.byName ? (
        <p className="text-slate-600">
          No resource ledger was recorded for this onboarding: its repository and simulated infrastructure are removed
          by name.
        </p>
      ) : nothing ? (
        <p className="text-slate-600">No external resources are recorded for this onboarding.</p>
      ) : null}
      {plan.alreadyDeleted.length > 0 ? (
        <p className="text-xs text-slate-500">{plan.alreadyDeleted.length} already deleted by an earlier run.</p>
      ) : null}
      {plan.retirePlatform ? (
        <p className="text-xs text-slate-500">The platform record is then marked deprovisioned.</p>
      ) : null}
    </div>
  );
}

export function DeprovisionDialog({
  open,
  sessionId,
  slug,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  open: boolean;
  sessionId: string;
  slug: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
}) {
  // Fetched each time the dialog opens: the plan must describe the ledger as it is now.
  const plan = useQuery({
    queryKey: queryKeys.onboardings.deprovisionPlan(sessionId),
    queryFn: ({ signal }) => api.deprovisionPlan(sessionId, signal),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  return (
    <ConfirmDialog
      open={open}
      testId="deprovision-dialog"
      title="Remove the created resources?"
      description="Only what this onboarding created is deleted, newest first. This cannot be undone."
      confirmLabel="Remove resources"
      typedConfirmation={slug}
      confirmDisabled={!plan.data}
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {plan.isPending ? (
        <LoadingBlock lines={3} label="Loading the deprovision plan…" />
      ) : plan.isError ? (
        <QueryError error={plan.error} onRetry={() => void plan.refetch()} what="the deprovision plan" />
      ) : (
        <PlanView plan={plan.data} />
      )}
    </ConfirmDialog>
  );
}
