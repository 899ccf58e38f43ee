"use client";

import Link from "next/link";
import { useState } from "react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { Platform, PlatformStatus } from "@/lib/client/types";
import { PageHeader } from "../page-header";
import { ResourceList } from "../resources/resource-list";
import { PLATFORM_STATUS_OPTIONS, StatusBadge } from "../status-badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select } from "../ui/field";
import { ChevronDownIcon, ExternalIcon, RocketIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { LoadMoreButton } from "@/components/ui/load-more";

function Url({ href }: { href: string | null }) {
  if (!href) return <span className="text-slate-400">—</span>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className="inline-flex max-w-full items-center gap-1 font-mono text-xs text-indigo-700 hover:underline"
    >
      <span className="truncate">{href.replace(/^https?:\/\//, "")}</span>
      <ExternalIcon className="size-3.5" />
    </a>
  );
}

export function PlatformList() {
  const [status, setStatus] = useState<PlatformStatus | "">("");
  const [expanded, setExpanded] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: queryKeys.platforms.list(status || undefined),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.platforms({ status: status || undefined, cursor: pageParam, limit: 20 }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items: Platform[] = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title="Platforms"
        description="What onboarding created: each platform's repository, deployment, status and resources."
        actions={
          <label className="w-52">
            <span className="sr-only">Status</span>
            <Select
              value={status}
              onChange={(e) => setStatus(e.target.value as PlatformStatus | "")}
              aria-label="Filter by status"
            >
              <option value="">All statuses</option>
              {PLATFORM_STATUS_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </label>
        }
      />
      <Card as="div" className="overflow-hidden">
        {list.isPending ? (
          <LoadingBlock lines={6} className="p-5" label="Loading platforms…" />
        ) : list.isError && !list.data ? (
          <div className="p-5">
            <QueryError error={list.error} onRetry={() => void list.refetch()} what="the platforms" />
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            icon={<RocketIcon className="size-6" />}
            title={status ? "No platforms with this status" : "No platforms yet"}
          >
            A platform appears here once an onboarding&apos;s bootstrap creates it.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[720px] text-left text-sm">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-3">
                    Platform
                  </th>
                  <th scope="col" className="px-3 py-3">
                    Status
                  </th>
                  <th scope="col" className="px-3 py-3">
                    Repository
                  </th>
                  <th scope="col" className="px-3 py-3">
                    Deployment
                  </th>
                  <th scope="col" className="px-3 py-3 text-right">
                    Created
                  </th>
                  <th scope="col" className="px-5 py-3 text-right">
                    <span className="sr-only">Resources</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((p) => (
                  <PlatformRow
                    key={p.id}
                    platform={p}
                    open={expanded === p.id}
                    onToggle={() => setExpanded(expanded === p.id ? null : p.id)}
                  />
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

const COLUMNS = 6;

/** One platform; its resource ledger opens beneath it (the ledger belongs to its onboarding). */
function PlatformRow({ platform: p, open, onToggle }: { platform: Platform; open: boolean; onToggle: () => void }) {
  const panelId = `resources-${p.id}`;
  return (
    <>
      <tr data-testid="platform-row">
        <td className="px-5 py-3">
          {p.onboardingId ? (
            <Link
              href={`/onboarding/${p.onboardingId}`}
              className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
            >
              {p.platformName ?? p.slug}
            </Link>
          ) : (
            <span className="font-medium text-slate-900">{p.platformName ?? p.slug}</span>
          )}
          <div className="font-mono text-xs text-slate-500">
            {p.slug} · <span className="font-sans capitalize">{p.tier}</span>
          </div>
        </td>
        <td className="px-3 py-3">
          <StatusBadge kind="platform" value={p.status} />
        </td>
        <td className="max-w-56 px-3 py-3">
          <Url href={p.repoUrl} />
        </td>
        <td className="max-w-56 px-3 py-3">
          <Url href={p.deploymentUrl} />
        </td>
        <td className="px-3 py-3 text-right text-slate-600">
          <RelativeTime iso={p.createdAt} />
          {p.activatedAt ? (
            <div className="text-xs text-slate-500">
              active <RelativeTime iso={p.activatedAt} />
            </div>
          ) : null}
        </td>
        <td className="px-5 py-3 text-right">
          {p.onboardingId ? (
            <Button
              variant="ghost"
              size="sm"
              aria-expanded={open}
              aria-controls={panelId}
              onClick={onToggle}
              icon={<ChevronDownIcon className={`size-4 transition-transform ${open ? "rotate-180" : ""}`} />}
            >
              Resources<span className="sr-only"> of {p.platformName ?? p.slug}</span>
            </Button>
          ) : null}
        </td>
      </tr>
      {open && p.onboardingId ? (
        <tr id={panelId}>
          <td colSpan={COLUMNS} className="bg-slate-50/60 px-5 py-4">
            <ResourceList
              onboardingId={p.onboardingId}
              emptyText="No external resources are recorded for this platform."
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}
