"use client";

// The verification assist on one warn/fail check: who can fix it, the exact permission or
// setting, a link to where it is fixed (a new tab), and Re-check (that check alone, in place).
import type { AccessCheck, FixOwner } from "@/lib/client/types";
import { Button } from "../ui/button";
import { ExternalIcon, RefreshIcon } from "../ui/icons";

const OWNER_TITLE: Record<FixOwner, string> = {
  operator: "You can fix this",
  workspace_admin: "A workspace admin can fix this",
  provider_admin: "A provider account admin can fix this",
};

export interface RecheckControl {
  /** Re-check is allowed now (session.actions.recheckAccess). */
  allowed: boolean;
  /** Why not, when it is not. */
  reason?: string;
  /** The key of the check being re-checked right now, if any. */
  running: string | null;
  pending: boolean;
  onRecheck: (checkKey: string) => void;
}

export function CheckAssist({ check, recheck }: { check: AccessCheck; recheck?: RecheckControl }) {
  const assist = check.assist;
  const busy = recheck?.running === check.key;
  return (
    <div
      className="mt-2 space-y-2 rounded-md border border-slate-200 bg-slate-50/70 px-3 py-2 text-xs"
      data-testid="check-assist"
    >
      {assist ? (
        <dl className="grid gap-x-3 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="font-medium text-slate-500">Who</dt>
          <dd className="text-slate-800" data-testid="check-owner" data-owner={assist.owner}>
            <span className="font-semibold">{OWNER_TITLE[assist.owner]}</span>
            <span className="text-slate-600"> — {assist.ownerLabel}</span>
          </dd>
          <dt className="font-medium text-slate-500">What</dt>
          <dd className="text-slate-800" data-testid="check-permission">
            {assist.permission}
          </dd>
          <dt className="font-medium text-slate-500">Where</dt>
          <dd>
            <a
              href={assist.href}
              target="_blank"
              rel="noopener noreferrer"
              className="inline-flex items-center gap-1 font-medium text-indigo-700 hover:underline"
              data-testid="check-fix-link"
            >
              {assist.linkLabel}
              <ExternalIcon className="size-3.5" />
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
          </dd>
        </dl>
      ) : null}
      {recheck ? (
        <div className="flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            variant="secondary"
            icon={<RefreshIcon />}
            loading={busy || (recheck.pending && recheck.running === null)}
            disabled={!recheck.allowed || busy}
            aria-describedby={!recheck.allowed && recheck.reason ? `recheck-why-${check.key}` : undefined}
            onClick={() => recheck.onRecheck(check.key)}
          >
            {busy ? "Re-checking…" : "Re-check"}
          </Button>
          <span className="text-slate-600">
            {busy ? "Running this check again…" : "Fixed it? Run this check again; the report updates in place."}
          </span>
          {!recheck.allowed && recheck.reason && !busy ? (
            <span id={`recheck-why-${check.key}`} className="text-slate-500">
              {recheck.reason}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
