"use client";

import Link from "next/link";
import { formatDate, formatValue, humanize } from "@/lib/client/format";
import { useAudit, useSession } from "@/lib/client/hooks/use-onboarding";
import type { AuditEntry } from "@/lib/client/types";
import { PageHeader } from "../page-header";
import { StatusBadge } from "../status-badge";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ArrowLeftIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { fieldLabel } from "../wizard/conflict-notice";

const DERIVED = new Set(["status", "lifecycleState", "currentCheckpoint", "reasonCode", "blockingReasonCode"]);

function Entry({ e }: { e: AuditEntry }) {
  const changes = Object.entries(e.data?.changes ?? {});
  const edits = changes.filter(([f]) => !DERIVED.has(f));
  const derived = changes.filter(([f]) => DERIVED.has(f));
  const isSystem = !e.actor.userId && !e.actor.tokenId;
  const details = Object.entries(e.data ?? {}).filter(([k]) => k !== "changes");
  return (
    <li className="flex flex-col gap-2 px-5 py-4 sm:flex-row sm:gap-6" data-action={e.action}>
      <div className="w-44 shrink-0 text-xs text-slate-500">
        <time dateTime={e.createdAt}>{formatDate(e.createdAt)}</time>
        <div>
          <RelativeTime iso={e.createdAt} />
        </div>
      </div>
      <div className="min-w-0 flex-1 text-sm">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-slate-900">{humanize(e.action.replace(/\./g, " "))}</span>
          <code className="font-mono text-xs text-slate-500">{e.action}</code>
          {e.fromVersion !== null || e.toVersion !== null ? (
            <Badge tone="neutral">
              v{e.fromVersion ?? "–"} → v{e.toVersion ?? "–"}
            </Badge>
          ) : null}
        </p>
        <p className="mt-0.5 text-slate-600">
          by <span className={isSystem ? "italic" : "font-medium text-slate-800"}>{e.actor.label}</span>
        </p>
        {e.reason ? (
          <p className="mt-1 rounded-md bg-slate-50 px-2.5 py-1.5 text-slate-700 ring-1 ring-slate-200">“{e.reason}”</p>
        ) : null}
        {edits.length ? (
          <ul className="mt-1.5 space-y-0.5 text-xs text-slate-700">
            {edits.map(([field, c]) => (
              <li key={field}>
                <span className="font-medium">{fieldLabel(field)}</span>:{" "}
                <del className="text-slate-500">{formatValue(c.from)}</del> →{" "}
                <ins className="font-medium no-underline">{formatValue(c.to)}</ins>
              </li>
            ))}
          </ul>
        ) : null}
        {!changes.length && details.length ? (
          <p className="mt-1.5 text-xs text-slate-500">
            {details.map(([k, v]) => (
              <span key={k} className="mr-3 inline-block">
                {fieldLabel(k)}: <span className="font-mono text-slate-700">{formatValue(v)}</span>
              </span>
            ))}
          </p>
        ) : null}
        {derived.length ? (
          <p className="mt-1.5 flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
            {derived.map(([field, c]) =>
              field === "lifecycleState" ? (
                <span key={field} className="inline-flex items-center gap-1">
                  <StatusBadge kind="lifecycle" value={String(c.from)} /> →{" "}
                  <StatusBadge kind="lifecycle" value={String(c.to)} />
                </span>
              ) : (
                <span key={field}>
                  {fieldLabel(field)}: {formatValue(c.from)} → {formatValue(c.to)}
                </span>
              ),
            )}
          </p>
        ) : null}
      </div>
    </li>
  );
}

export function AuditTrail({ id }: { id: string }) {
  const session = useSession(id);
  const audit = useAudit(id);
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/onboarding/${id}`} className="inline-flex items-center gap-1 hover:text-slate-700">
            <ArrowLeftIcon className="size-3.5" /> {session.data?.platformName ?? "Onboarding"}
          </Link>
        }
        title="Audit trail"
        description="Who did what to this onboarding and its runs, when, and from which version to which. Append-only."
      />
      <Card as="div">
        {audit.isPending ? (
          <LoadingBlock lines={8} className="p-5" label="Loading the audit trail…" />
        ) : audit.isError && !audit.data ? (
          <div className="p-5">
            <QueryError error={audit.error} onRetry={() => void audit.refetch()} what="the audit trail" />
          </div>
        ) : items.length === 0 ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <ol className="divide-y divide-slate-100" data-testid="audit-list">
            {items.map((e) => (
              <Entry key={e.id} e={e} />
            ))}
          </ol>
        )}
      </Card>
      {audit.hasNextPage ? (
        <div className="mt-4 flex justify-center">
          <Button variant="secondary" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            Load older entries
          </Button>
        </div>
      ) : null}
    </>
  );
}
