"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useCan } from "@/lib/client/hooks/use-me";
import { useOnboardingList } from "@/lib/client/hooks/use-onboarding";
import { useDebouncedValue } from "@/lib/client/hooks/use-debounced-value";
import { useSessionBroadcast } from "@/lib/client/broadcast";
import { queryKeys } from "@/lib/client/query-keys";
import { CHECKPOINT_LABELS } from "@/lib/onboarding/constants";
import type { SessionSummary } from "@/lib/client/types";
import { PageHeader } from "../page-header";
import { LIFECYCLE_OPTIONS, STATUS_OPTIONS, StatusBadge } from "../status-badge";
import { RunHealthNotice } from "../runs/run-health";
import { Button, ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Input, Select } from "../ui/field";
import { PlusIcon, RocketIcon, SearchIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { Skeleton } from "../ui/skeleton";
import { LoadMoreButton } from "@/components/ui/load-more";

export function OnboardingDashboard() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const qc = useQueryClient();
  const { can } = useCan();

  const status = params.get("status") ?? "";
  const lifecycle = params.get("lifecycle") ?? "";
  // Set by the Insights page's failure reasons: onboardings with a run that ended with this code.
  const reasonCode = params.get("reasonCode") ?? "";
  const health = params.get("health") ?? "";
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  const filters = {
    status: status || undefined,
    lifecycle: lifecycle || undefined,
    reasonCode: reasonCode || undefined,
    q: q || undefined,
    health: health || undefined,
  };
  const filtered = !!(status || lifecycle || reasonCode || q || health);

  const list = useOnboardingList(filters);
  useSessionBroadcast(null, () => void qc.invalidateQueries({ queryKey: queryKeys.onboardings.lists() }));

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title="Onboardings"
        description="Every platform being onboarded in this workspace, newest first."
        actions={
          can("manage_drafts") ? (
            <ButtonLink href="/onboarding/new" icon={<PlusIcon />}>
              New onboarding
            </ButtonLink>
          ) : null
        }
      />

      <form
        role="search"
        className="mb-4 grid gap-3 sm:grid-cols-[1fr_auto_auto_auto]"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="relative block">
          <span className="sr-only">Search by name or slug</span>
          <SearchIcon className="pointer-events-none absolute top-3 left-3 size-4 text-slate-400" />
          <Input
            type="search"
            placeholder="Search name or slug"
            className="pl-9"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="block">
          <span className="sr-only">Status</span>
          <Select value={status} onChange={(e) => setParam("status", e.target.value)} aria-label="Filter by status">
            <option value="">All statuses</option>
            {STATUS_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </label>
        <label className="block">
          <span className="sr-only">Lifecycle</span>
          <Select
            value={lifecycle}
            onChange={(e) => setParam("lifecycle", e.target.value)}
            aria-label="Filter by lifecycle"
          >
            <option value="">All lifecycle states</option>
            {LIFECYCLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </label>
        <label className="block">
          <span className="sr-only">Run health</span>
          <Select value={health} onChange={(e) => setParam("health", e.target.value)} aria-label="Filter by run health">
            <option value="">Any run health</option>
            <option value="healthy">Running normally</option>
            <option value="retrying">Retrying</option>
            <option value="stalled">Stalled</option>
          </Select>
        </label>
      </form>

      {reasonCode ? (
        <p className="mb-4 flex flex-wrap items-center gap-2 text-sm text-slate-700" data-testid="reason-code-filter">
          Onboardings with a run that ended with{" "}
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{reasonCode}</code>
          <Button variant="secondary" size="sm" onClick={() => setParam("reasonCode", "")}>
            Show all
          </Button>
        </p>
      ) : null}

      <Card as="div" className="overflow-hidden">
        {list.isPending ? (
          <TableSkeleton />
        ) : list.isError && !list.data ? (
          <div className="p-5">
            <QueryError error={list.error} onRetry={() => void list.refetch()} what="the onboardings" />
          </div>
        ) : items.length === 0 ? (
          filtered ? (
            <EmptyState title="No onboardings match these filters">
              <Button
                variant="secondary"
                size="sm"
                className="mt-3"
                onClick={() => {
                  setSearch("");
                  router.replace(pathname);
                }}
              >
                Clear filters
              </Button>
            </EmptyState>
          ) : (
            <EmptyState
              icon={<RocketIcon className="size-6" />}
              title="No onboardings yet"
              action={
                can("manage_drafts") ? (
                  <ButtonLink href="/onboarding/new" icon={<PlusIcon />}>
                    New onboarding
                  </ButtonLink>
                ) : null
              }
            >
              Start one to take a new platform from signup to its first working deployment.
            </EmptyState>
          )
        ) : (
          <div
            aria-busy={list.isFetching}
            className={list.isPlaceholderData ? "opacity-70 transition-opacity" : "transition-opacity"}
          >
            <OnboardingTable items={items} />
            <OnboardingCards items={items} />
          </div>
        )}
      </Card>

      <div className="mt-4 flex min-h-10 items-center justify-between gap-3">
        <p className="text-sm text-slate-500" aria-live="polite">
          {items.length > 0 ? `Showing ${items.length} onboarding${items.length === 1 ? "" : "s"}` : ""}
        </p>
        <LoadMoreButton query={list} />
        {list.isError && list.data ? (
          <p className="text-sm text-red-700">Could not refresh the list; showing the last results.</p>
        ) : null}
      </div>
    </>
  );
}

function OnboardingTable({ items }: { items: SessionSummary[] }) {
  return (
    <table className="hidden w-full text-left text-sm md:table" data-testid="onboarding-table">
      <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
        <tr>
          <th scope="col" className="px-5 py-3">
            Platform
          </th>
          <th scope="col" className="px-3 py-3">
            Tier
          </th>
          <th scope="col" className="px-3 py-3">
            Status
          </th>
          <th scope="col" className="px-3 py-3">
            Lifecycle
          </th>
          <th scope="col" className="px-3 py-3">
            Step
          </th>
          <th scope="col" className="px-5 py-3 text-right">
            Last activity
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {items.map((s) => (
          <tr key={s.id} className="group hover:bg-slate-50">
            <td className="px-5 py-3">
              <Link
                href={`/onboarding/${s.id}`}
                className="font-medium text-slate-900 group-hover:text-indigo-700 hover:underline"
              >
                {s.platformName}
              </Link>
              <div className="font-mono text-xs text-slate-500">{s.slug}</div>
            </td>
            <td className="px-3 py-3 text-slate-700 capitalize">{s.tier}</td>
            <td className="px-3 py-3">
              <StatusBadge kind="status" value={s.status} />
              <RunHealthNotice health={s.health} compact />
            </td>
            <td className="px-3 py-3">
              <StatusBadge kind="lifecycle" value={s.lifecycleState} />
            </td>
            <td className="px-3 py-3 text-slate-700">{CHECKPOINT_LABELS[s.currentCheckpoint]}</td>
            <td className="px-5 py-3 text-right text-slate-600">
              <RelativeTime iso={s.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OnboardingCards({ items }: { items: SessionSummary[] }) {
  return (
    <ul className="divide-y divide-slate-100 md:hidden">
      {items.map((s) => (
        <li key={s.id} className="px-4 py-3">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <Link href={`/onboarding/${s.id}`} className="font-medium text-slate-900 hover:underline">
                {s.platformName}
              </Link>
              <div className="truncate font-mono text-xs text-slate-500">
                {s.slug} · <span className="font-sans capitalize">{s.tier}</span>
              </div>
            </div>
            <span className="shrink-0 text-xs text-slate-500">
              <RelativeTime iso={s.updatedAt} />
            </span>
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-1.5">
            <StatusBadge kind="lifecycle" value={s.lifecycleState} />
            <StatusBadge kind="status" value={s.status} />
            <span className="text-xs text-slate-500">at {CHECKPOINT_LABELS[s.currentCheckpoint]}</span>
          </div>
          <RunHealthNotice health={s.health} compact />
        </li>
      ))}
    </ul>
  );
}

function TableSkeleton() {
  return (
    <div role="status" aria-live="polite" className="divide-y divide-slate-100">
      <span className="sr-only">Loading onboardings…</span>
      <div className="h-10 bg-slate-50" />
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="flex h-[61px] items-center gap-6 px-5">
          <div className="flex-1 space-y-2">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-3 w-24" />
          </div>
          <Skeleton className="hidden h-5 w-20 rounded-full md:block" />
          <Skeleton className="hidden h-5 w-28 rounded-full md:block" />
          <Skeleton className="h-4 w-16" />
        </div>
      ))}
    </div>
  );
}
