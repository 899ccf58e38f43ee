"use client";

import { useQuery } from "@tanstack/react-query";
import { api, type ApiProblem } from "@/lib/client/api";
import { formatValue, humanize } from "@/lib/client/format";
import { queryKeys } from "@/lib/client/query-keys";
import type { AuditEntry } from "@/lib/client/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { RelativeTime } from "../ui/relative-time";
import { Spinner } from "../ui/icons";

const FIELD_LABELS: Record<string, string> = {
  platformName: "Platform name",
  slug: "Slug",
  tier: "Tier",
  stackTemplateId: "Stack template",
  connectionId: "Connection",
  draft: "Wizard answers",
  status: "Status",
  lifecycleState: "Lifecycle",
  currentCheckpoint: "Checkpoint",
  reasonCode: "Reason",
  blockingReasonCode: "Blocking reason",
  provisionJobId: "Provision job",
  platformId: "Platform",
  runId: "Run",
  step: "Step",
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? humanize(field);

/** The audit entries that moved the session past `version`, oldest first. */
export function useChangesSince(id: string, version: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.onboardings.changesSince(id, version),
    enabled,
    queryFn: async ({ signal }) => {
      const entries: AuditEntry[] = [];
      let cursor: string | undefined;
      // Newest first: page back until we reach the version the operator had.
      for (let page = 0; page < 5; page++) {
        const res = await api.audit(id, cursor, signal, 100);
        entries.push(...res.items);
        const reached = res.items.some((e) => e.toVersion !== null && e.toVersion <= version);
        if (reached || !res.nextCursor) break;
        cursor = res.nextCursor;
      }
      return entries.filter((e) => e.toVersion !== null && e.toVersion > version).reverse();
    },
    staleTime: 0,
  });
}

function ChangeList({ entries }: { entries: AuditEntry[] }) {
  return (
    <ol className="mt-2 space-y-2" data-testid="conflict-changes">
      {entries.map((e) => {
        const changes = Object.entries(e.data?.changes ?? {});
        return (
          <li key={e.id} className="rounded-md bg-white/70 px-3 py-2 ring-1 ring-amber-200">
            <p>
              <span className="font-medium">{e.actor.label}</span> · {humanize(e.action.replace(/\./g, " "))} ·{" "}
              <RelativeTime iso={e.createdAt} />{" "}
              <span className="text-amber-800">
                (v{e.fromVersion} → v{e.toVersion})
              </span>
            </p>
            {changes.length ? (
              <ul className="mt-1 space-y-0.5 text-xs">
                {changes.map(([field, change]) => (
                  <li key={field}>
                    <span className="font-medium">{fieldLabel(field)}</span>:{" "}
                    <del className="text-amber-900/80">{formatValue(change.from)}</del> →{" "}
                    <ins className="font-medium no-underline">{formatValue(change.to)}</ins>
                  </li>
                ))}
              </ul>
            ) : null}
            {e.reason ? <p className="mt-1 text-xs">Reason: {e.reason}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * A save was refused because the session moved on. Says who changed it, when and what, and
 * offers: reload (discard my edits) or review (keep my edits, re-apply on the new version).
 */
export function ConflictNotice({
  sessionId,
  myVersion,
  problem,
  onReload,
  onReview,
  busy,
}: {
  sessionId: string;
  myVersion: number;
  problem: ApiProblem;
  onReload: () => void;
  onReview: () => void;
  busy?: boolean;
}) {
  const changes = useChangesSince(sessionId, myVersion);
  const current = problem.current;
  const latest = changes.data?.at(-1);
  const who = latest?.actor.label ?? "Someone else";
  return (
    <Alert
      tone="warning"
      role="alert"
      testId="conflict-notice"
      title="Not saved: this onboarding was changed by someone else"
      actions={
        <>
          <Button variant="secondary" size="sm" onClick={onReload} disabled={busy}>
            Reload (discard my edits)
          </Button>
          <Button size="sm" onClick={onReview} disabled={busy}>
            Review (keep my edits, re-apply on the new version)
          </Button>
        </>
      }
    >
      <p>
        You started from version {myVersion}; it is now at version {problem.currentVersion ?? current?.version ?? "?"}.{" "}
        {current ? (
          <>
            Last change by <span className="font-medium">{who}</span> <RelativeTime iso={current.updatedAt} />. Nothing
            you typed was saved or lost.
          </>
        ) : null}
      </p>
      {changes.isPending ? (
        <p className="inline-flex items-center gap-2 text-xs">
          <Spinner className="size-3.5" /> Loading what changed…
        </p>
      ) : changes.data?.length ? (
        <ChangeList entries={changes.data} />
      ) : changes.isError ? (
        <p className="text-xs">The change history is not available to your role.</p>
      ) : null}
    </Alert>
  );
}

/** Unsaved edits here, while the session moved on elsewhere (another tab or operator). */
export function StaleEditsBanner({
  fromOtherTab,
  myVersion,
  latestVersion,
  onReload,
  onReview,
}: {
  fromOtherTab: boolean;
  myVersion: number;
  latestVersion: number;
  onReload: () => void;
  onReview: () => void;
}) {
  return (
    <Alert
      tone="warning"
      role="status"
      testId="stale-edits-banner"
      title={fromOtherTab ? "Changed in another tab" : "Changed since you started editing"}
      actions={
        <>
          <Button variant="secondary" size="sm" onClick={onReload}>
            Reload (discard my edits)
          </Button>
          <Button size="sm" onClick={onReview}>
            Review (keep my edits, re-apply on the new version)
          </Button>
        </>
      }
    >
      <p>
        This onboarding was saved {fromOtherTab ? "in another tab" : "elsewhere"} (now version {latestVersion}). Your
        unsaved edits here are kept, based on version {myVersion}; saving them as they are will be refused.
      </p>
    </Alert>
  );
}

/** After "Review": the operator's edits, now on the newer version, beside the current values. */
export function ReviewNotice({
  version,
  rows,
}: {
  version: number;
  rows: { label: string; mine: string; current: string }[];
}) {
  return (
    <Alert tone="info" role="status" testId="review-notice" title={`Your edits are now based on version ${version}`}>
      <p>Check them against the current values, then save again.</p>
      {rows.length ? (
        <ul className="mt-1 space-y-0.5 text-xs">
          {rows.map((r) => (
            <li key={r.label}>
              <span className="font-medium">{r.label}</span>: yours <span className="font-medium">{r.mine}</span> ·
              current {r.current}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
