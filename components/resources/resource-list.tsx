"use client";

// The resource ledger of one onboarding: every external resource the pipeline created or
// adopted, who created it, and whether deprovision deletes it (pre-existing ones are kept).
import { useEffect, useRef } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { formatDate } from "@/lib/client/format";
import { queryKeys } from "@/lib/client/query-keys";
import { providerLabel, resourceState, resourceTypeLabel, stepLabel, type ResourceState } from "@/lib/client/resources";
import type { Resource } from "@/lib/client/types";
import { Badge, type Tone } from "../ui/badge";
import { ExternalIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { LoadingBlock } from "../ui/skeleton";

const STATE: Record<ResourceState, { label: string; tone: Tone; title: string }> = {
  live: { label: "Created", tone: "success", title: "Created by this onboarding: deprovision deletes it" },
  kept: {
    label: "Pre-existed · kept",
    tone: "info",
    title: "Already there when the onboarding found it: deprovision keeps it",
  },
  deleted: { label: "Deleted", tone: "muted", title: "Removed by a deprovision run" },
};

/** A console link that opens in a new tab without handing the new page a window.opener. */
export function ConsoleLink({ href, name }: { href: string | null; name: string }) {
  if (!href) return <span className="text-xs text-slate-400">No console page</span>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className="inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap text-indigo-700 hover:underline"
      data-testid="console-link"
    >
      Open in console <ExternalIcon className="size-3.5" />
      <span className="sr-only"> for {name} (opens in a new tab)</span>
    </a>
  );
}

function Row({ r }: { r: Resource }) {
  const state = STATE[resourceState(r)];
  const step = stepLabel(r.stepKey);
  return (
    <tr
      data-testid="resource-row"
      data-type={r.type}
      data-state={resourceState(r)}
      className={r.deletedAt ? "text-slate-500" : undefined}
    >
      <td className="px-4 py-2.5 align-top">
        <div className="font-medium text-slate-900">{resourceTypeLabel(r.type)}</div>
        <div className={`font-mono text-xs break-all ${r.deletedAt ? "line-through" : "text-slate-600"}`}>{r.name}</div>
      </td>
      <td className="px-3 py-2.5 align-top text-slate-700">{providerLabel(r.provider)}</td>
      <td className="max-w-56 px-3 py-2.5 align-top">
        <code className="block truncate font-mono text-xs text-slate-700" title={r.externalId}>
          {r.externalId || "—"}
        </code>
      </td>
      <td className="px-3 py-2.5 align-top text-xs text-slate-600">
        {step ?? "—"}
        <div className="text-slate-500">{formatDate(r.createdAt)}</div>
      </td>
      <td className="px-3 py-2.5 align-top">
        <span title={state.title}>
          <Badge tone={state.tone}>{state.label}</Badge>
        </span>
        {r.deletedAt ? <div className="mt-0.5 text-xs text-slate-500">{formatDate(r.deletedAt)}</div> : null}
      </td>
      <td className="px-4 py-2.5 text-right align-top">
        {r.deletedAt ? (
          <span className="sr-only">Deleted: no console page</span>
        ) : (
          <ConsoleLink href={r.consoleUrl} name={r.name} />
        )}
      </td>
    </tr>
  );
}

/**
 * A change of `refreshOn` (e.g. the session's version and its runs' states) refetches the ledger:
 * bootstrap and deprovision runs record and delete resources as they go.
 */
export function ResourceList({
  onboardingId,
  refreshOn,
  emptyText,
}: {
  onboardingId: string;
  refreshOn?: string | number;
  emptyText?: string;
}) {
  const qc = useQueryClient();
  const key = queryKeys.onboardings.resources(onboardingId);
  const resources = useQuery({ queryKey: key, queryFn: ({ signal }) => api.resources(onboardingId, signal) });
  const seen = useRef(refreshOn);
  useEffect(() => {
    if (seen.current === refreshOn) return;
    seen.current = refreshOn;
    void qc.invalidateQueries({ queryKey: queryKeys.onboardings.resources(onboardingId) });
  }, [refreshOn, qc, onboardingId]);

  if (resources.isPending) return <LoadingBlock lines={3} label="Loading resources…" className="py-2" />;
  if (resources.isError)
    return <QueryError error={resources.error} onRetry={() => void resources.refetch()} what="the resources" />;
  const items = resources.data.items;
  if (items.length === 0) {
    return (
      <p
        className="rounded-lg border border-dashed border-slate-300 px-4 py-5 text-center text-sm text-slate-600"
        data-testid="resources-empty"
      >
        {emptyText ?? "No external resources recorded yet. Bootstrap records each one as it creates it."}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200">
      <table className="w-full min-w-[760px] text-left text-sm" data-testid="resource-list">
        <caption className="sr-only">Resources created or adopted by this onboarding</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2">
              Resource
            </th>
            <th scope="col" className="px-3 py-2">
              Provider
            </th>
            <th scope="col" className="px-3 py-2">
              External ID
            </th>
            <th scope="col" className="px-3 py-2">
              Created by
            </th>
            <th scope="col" className="px-3 py-2">
              State
            </th>
            <th scope="col" className="px-4 py-2 text-right">
              <span className="sr-only">Console</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((r) => (
            <Row key={r.id} r={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
