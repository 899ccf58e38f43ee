"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ApiProblem } from "@/lib/client/api";
import { useVersionedForm } from "@/lib/client/hooks/use-versioned-form";
import { queryKeys } from "@/lib/client/query-keys";
import type { Connection, Session } from "@/lib/client/types";
import { Alert } from "../../ui/alert";
import { Badge } from "../../ui/badge";
import { LoadingBlock } from "../../ui/skeleton";
import { QueryError } from "../../ui/query-error";
import { ActionError } from "../action-error";
import { SaveBar, useVersionedSave } from "../versioned-save";
import { useWizard } from "../wizard-context";
import { isRoleRefusal } from "../action-reason";

const SIMULATED = "simulated";

const pick = (s: Session) => ({
  connection: s.draft.connectConfirmed === true || s.connectionId ? (s.connectionId ?? SIMULATED) : "",
});

function describe(c: Connection): string {
  if (c.kind === "github") {
    const template = c.config.templateOwner && c.config.templateRepo ? ` · template ${c.config.templateOwner}/${c.config.templateRepo}` : "";
    return `GitHub org ${c.config.org ?? "?"}${template}${c.config.baseUrl ? ` · ${c.config.baseUrl}` : ""}`;
  }
  return "Simulated provider";
}

export function ConnectStep() {
  const { session, can } = useWizard();
  const connections = useQuery({ queryKey: queryKeys.settings.connections(), queryFn: ({ signal }) => api.connections(signal) });
  const form = useVersionedForm(session, pick);
  const saver = useVersionedSave(form, (changes) => ({ connectionId: changes.connection === SIMULATED ? null : (changes.connection as string) }));

  const connect = session.actions.connect;
  const editable = !isRoleRefusal(connect);
  const disabledReason = connect.allowed ? null : (connect.message ?? "The connection cannot be changed now.");
  const problem = saver.error instanceof ApiProblem ? saver.error : null;
  const hasSimulation = !!session.simulation;

  const options: { value: string; title: string; detail: string; badge?: string; warn?: string }[] = [
    { value: SIMULATED, title: "Simulated (built-in)", detail: "No credentials needed: realistic timings, resources recorded by Onramp.", badge: "Default" },
    ...(connections.data?.items ?? []).map((c) => ({
      value: c.id,
      title: c.name,
      detail: describe(c),
      badge: c.kind === "github" ? "GitHub" : "Simulated",
      warn: c.kind === "github" && !c.hasSecret ? "No token stored yet" : hasSimulation && c.kind !== "simulated" ? "Not allowed with failure injection" : undefined,
    })),
  ];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (disabledReason || !form.dirty || !form.values.connection) return;
    saver.save();
  };

  const labelOf = (v: string | number | boolean | null) => options.find((o) => o.value === v)?.title ?? "(none)";

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <p className="text-sm text-slate-600">
        Which provider connection the pipeline uses. The simulated provider needs nothing; a GitHub connection creates real repositories.
        {can("connections") ? (
          <>
            {" "}
            <Link href="/settings/connections" className="font-medium text-indigo-700 hover:underline">
              Manage connections
            </Link>
          </>
        ) : null}
      </p>
      {saver.banners([{ label: "Connection", mine: labelOf(form.values.connection), current: labelOf(form.base.connection) }])}
      {problem ? <ActionError error={problem} sessionId={session.id} onDismiss={saver.mutation.reset} /> : null}
      {!form.base.connection && !disabledReason ? <Alert tone="info">Choose a connection and save to complete this step.</Alert> : null}

      {connections.isError ? <QueryError error={connections.error} onRetry={() => void connections.refetch()} what="the connections" /> : null}
      <fieldset disabled={!!disabledReason}>
        <legend className="sr-only">Provider connection</legend>
        <div className="space-y-2">
          {options.map((o) => (
            <label
              key={o.value}
              className={`flex cursor-pointer items-start gap-3 rounded-lg border px-4 py-3 shadow-xs has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600 has-[:disabled]:cursor-not-allowed ${
                form.values.connection === o.value ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500" : "border-slate-300 bg-white hover:border-slate-400"
              }`}
            >
              <input
                type="radio"
                name="connection"
                value={o.value}
                checked={form.values.connection === o.value}
                onChange={() => form.set("connection", o.value)}
                className="mt-0.5 size-4 accent-indigo-600"
              />
              <span className="min-w-0 flex-1">
                <span className="flex flex-wrap items-center gap-2">
                  <span className="text-sm font-medium text-slate-900">{o.title}</span>
                  {o.badge ? <Badge tone="neutral">{o.badge}</Badge> : null}
                  {form.base.connection === o.value ? <Badge tone="success">In use</Badge> : null}
                </span>
                <span className="mt-0.5 block text-xs text-slate-600">{o.detail}</span>
                {o.warn ? <span className="mt-0.5 block text-xs font-medium text-amber-800">{o.warn}</span> : null}
              </span>
            </label>
          ))}
          {connections.isPending ? <LoadingBlock lines={2} label="Loading connections…" className="px-1 py-2" /> : null}
        </div>
      </fieldset>
      {editable ? (
        <SaveBar dirty={form.dirty} pending={saver.mutation.isPending || saver.busy} disabledReason={disabledReason} version={form.version} label="Save connection" />
      ) : (
        <p className="border-t border-slate-100 pt-4 text-xs text-slate-500">{disabledReason}</p>
      )}
    </form>
  );
}
