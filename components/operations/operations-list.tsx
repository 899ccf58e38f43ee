"use client";

// The Operations page: every run of the workspace as the database has it (GET /operation-runs),
// newest first, filtered by kind / status / outcome, "Load more" by cursor, and polling every 5 s
// while any visible run is queued or running.
import Link from "next/link";
import { useState } from "react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { formatDuration, humanize } from "@/lib/client/format";
import { isRunActive, POLL_MS } from "@/lib/client/polling";
import { queryKeys } from "@/lib/client/query-keys";
import type { OperationRunFilters, OperationRunItem, RunKind, RunOutcome, RunStatus } from "@/lib/client/types";
import { PageHeader } from "../page-header";
import { runState, StatusBadge } from "../status-badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select } from "../ui/field";
import { ClockIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { LoadMoreButton } from "@/components/ui/load-more";

export const KIND_LABELS: Record<RunKind, string> = {
  verify_access: "Verify Access",
  recheck_access: "Re-check",
  bootstrap: "Bootstrap",
  deprovision: "Deprovision",
};
const STATUS_LABELS: Record<RunStatus, string> = { queued: "Queued", running: "Running", completed: "Completed" };
const OUTCOME_LABELS: Record<RunOutcome, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  blocked: "Blocked",
};

function Filter<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T | undefined;
  options: Record<T, string>;
  onChange: (v: T | undefined) => void;
}) {
  return (
    <label className="w-44">
      <span className="mb-1 block text-xs font-medium text-slate-600">{label}</span>
      <Select value={value ?? ""} onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}>
        <option value="">All</option>
        {(Object.keys(options) as T[]).map((k) => (
          <option key={k} value={k}>
            {options[k]}
          </option>
        ))}
      </Select>
    </label>
  );
}

export function OperationsList() {
  const [filters, setFilters] = useState<OperationRunFilters>({});
  const list = useInfiniteQuery({
    queryKey: queryKeys.operations.list(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.operationRuns({ ...filters, cursor: pageParam, limit: 25 }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some(isRunActive)) ? POLL_MS : false),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(filters.kind || filters.status || filters.outcome);
  const showHealth = items.some((r) => r.health);

  return (
    <>
      <PageHeader
        title="Operations"
        description="Every verification, re-check, bootstrap and deprovisioning run of this workspace, newest first."
      />
      <div className="mb-4 flex flex-wrap items-end gap-3" role="group" aria-label="Filters">
        <Filter
          label="Kind"
          value={filters.kind}
          options={KIND_LABELS}
          onChange={(kind) => setFilters((f) => ({ ...f, kind }))}
        />
        <Filter
          label="Status"
          value={filters.status}
          options={STATUS_LABELS}
          onChange={(status) => setFilters((f) => ({ ...f, status }))}
        />
        <Filter
          label="Outcome"
          value={filters.outcome}
          options={OUTCOME_LABELS}
          onChange={(outcome) => setFilters((f) => ({ ...f, outcome }))}
        />
        {filtered ? (
          <Button variant="ghost" size="sm" onClick={() => setFilters({})}>
            Clear filters
          </Button>
        ) : null}
      </div>
      <Card as="div" className="overflow-hidden">
        {list.isPending ? (
          <LoadingBlock lines={6} className="p-5" label="Loading operations…" />
        ) : list.isError && !list.data ? (
          <div className="p-5">
            <QueryError error={list.error} onRetry={() => void list.refetch()} what="the operations" />
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            icon={<ClockIcon className="size-6" />}
            title={filtered ? "No runs match these filters" : "No runs yet"}
          >
            {filtered
              ? "Clear a filter to see more."
              : "Runs appear here when someone verifies access, bootstraps or deprovisions an onboarding."}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[860px] text-left text-sm" data-testid="operations-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-3">
                    Run
                  </th>
                  <th scope="col" className="px-3 py-3">
                    Onboarding
                  </th>
                  <th scope="col" className="px-3 py-3">
                    Status
                  </th>
                  {showHealth ? (
                    <th scope="col" className="px-3 py-3">
                      Health
                    </th>
                  ) : null}
                  <th scope="col" className="px-3 py-3">
                    Started by
                  </th>
                  <th scope="col" className="px-3 py-3 text-right">
                    Duration
                  </th>
                  <th scope="col" className="px-5 py-3 text-right">
                    Started
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((r) => (
                  <Row key={r.id} run={r} showHealth={showHealth} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {list.hasNextPage ? (
        <div className="mt-4 flex justify-center">
          <LoadMoreButton query={list} />
        </div>
      ) : null}
    </>
  );
}

function Row({ run: r, showHealth }: { run: OperationRunItem; showHealth: boolean }) {
  return (
    <tr data-testid="operation-row" data-kind={r.kind} data-state={runState(r)}>
      <td className="px-5 py-3">
        <Link href={`/runs/${r.id}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
          {KIND_LABELS[r.kind] ?? humanize(r.kind)}
        </Link>
        <div className="font-mono text-xs text-slate-500">
          {r.id.slice(0, 10)}… {r.attempt > 1 ? <span className="font-sans">· attempt {r.attempt}</span> : null}
        </div>
      </td>
      <td className="px-3 py-3">
        <Link href={`/onboarding/${r.session.id}`} className="text-slate-800 hover:text-indigo-700 hover:underline">
          {r.session.platformName}
        </Link>
        <div className="font-mono text-xs text-slate-500">{r.session.slug}</div>
      </td>
      <td className="px-3 py-3">
        <StatusBadge kind="run" value={runState(r)} />
        {r.reasonCode && r.outcome !== "succeeded" ? (
          <div className="mt-0.5 font-mono text-[11px] text-slate-500">{r.reasonCode}</div>
        ) : null}
      </td>
      {showHealth ? (
        <td className="px-3 py-3">
          {r.health ? <StatusBadge kind="health" value={r.health} /> : <span className="text-slate-400">—</span>}
          {r.healthReason ? <div className="mt-0.5 font-mono text-[11px] text-slate-500">{r.healthReason}</div> : null}
        </td>
      ) : null}
      <td className="max-w-48 truncate px-3 py-3 text-slate-700">
        {r.initiator ? (r.initiator.name ?? r.initiator.email) : <span className="text-slate-400">system</span>}
      </td>
      <td className="px-3 py-3 text-right text-slate-700 tabular-nums">{formatDuration(r.durationMs)}</td>
      <td className="px-5 py-3 text-right text-slate-600">
        <RelativeTime iso={r.startedAt ?? r.createdAt} />
      </td>
    </tr>
  );
}
