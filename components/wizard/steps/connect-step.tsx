"use client";

import Link from "next/link";
import { useEffect, type FormEvent } from "react";
import { useRouter } from "next/navigation";
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

const confirmed = (s: Session) => s.draft.connectConfirmed === true || !!s.connectionId || !!s.infraConnectionId;

// The workspace's default (simulated) is pre-selected, so a first-time operator can save at once.
const pick = (s: Session) => ({
  repo: s.connectionId ?? SIMULATED,
  infra: s.infraConnectionId ?? SIMULATED,
});

const toId = (value: string | number | boolean | null | undefined) =>
  value === SIMULATED || !value ? null : String(value);

function describe(c: Connection): string {
  if (c.kind === "github") {
    const template =
      c.config.templateOwner && c.config.templateRepo
        ? ` · template ${c.config.templateOwner}/${c.config.templateRepo}`
        : "";
    return `GitHub org ${c.config.org ?? "?"}${template}${c.config.baseUrl ? ` · ${c.config.baseUrl}` : ""}`;
  }
  if (c.kind === "cloudflare")
    return `Cloudflare account ${c.config.accountId ?? "?"}${c.config.apiBaseUrl ? ` · ${c.config.apiBaseUrl}` : ""}`;
  return "Simulated provider";
}

const KIND_BADGE: Record<Connection["kind"], string> = {
  simulated: "Simulated",
  github: "GitHub",
  cloudflare: "Cloudflare",
};

interface Option {
  value: string;
  title: string;
  detail: string;
  badge?: string;
  warn?: string;
}

export function ConnectStep() {
  const { session, can } = useWizard();
  const router = useRouter();
  const connections = useQuery({
    queryKey: queryKeys.settings.connections(),
    queryFn: ({ signal }) => api.connections(signal),
  });
  const form = useVersionedForm(session, pick);
  const isConfirmed = confirmed(session);
  // Not yet confirmed: saving the pre-selected defaults completes the step.
  const saver = useVersionedSave(form, (changes) =>
    isConfirmed
      ? {
          ...("repo" in changes ? { connectionId: toId(changes.repo) } : {}),
          ...("infra" in changes ? { infraConnectionId: toId(changes.infra) } : {}),
        }
      : { connectionId: toId(form.values.repo), infraConnectionId: toId(form.values.infra) },
  );

  // Saving moves on to Verify Access, the next thing to do.
  const saved = saver.mutation.isSuccess;
  useEffect(() => {
    if (saved) router.push(`/onboarding/${session.id}/verify-access`);
  }, [saved, router, session.id]);

  const connect = session.actions.connect;
  const editable = !isRoleRefusal(connect);
  const disabledReason = connect.allowed ? null : (connect.message ?? "The connections cannot be changed now.");
  const problem = saver.error instanceof ApiProblem ? saver.error : null;
  const hasSimulation = !!session.simulation;
  const all = connections.data?.items ?? [];

  const optionsFor = (kinds: Connection["kind"][], simulatedDetail: string): Option[] => [
    { value: SIMULATED, title: "Simulated (built-in)", detail: simulatedDetail, badge: "Default" },
    ...all
      .filter((c) => kinds.includes(c.kind))
      .map((c) => ({
        value: c.id,
        title: c.name,
        detail: describe(c),
        badge: KIND_BADGE[c.kind],
        warn:
          c.kind !== "simulated" && !c.hasSecret
            ? "No token stored yet"
            : hasSimulation && c.kind !== "simulated"
              ? "Not allowed with failure injection"
              : undefined,
      })),
  ];
  const repoOptions = optionsFor(
    ["simulated", "github"],
    "No credentials needed: repositories recorded by Onramp, realistic timings.",
  );
  const infraOptions = optionsFor(
    ["simulated", "cloudflare"],
    "No credentials needed: infrastructure recorded by Onramp, realistic timings.",
  );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (disabledReason || (!form.dirty && isConfirmed)) return;
    saver.save();
  };

  const labelOf = (options: Option[]) => (v: string | number | boolean | null) =>
    options.find((o) => o.value === v)?.title ?? "(none)";

  const group = (field: "repo" | "infra", legend: string, options: Option[]) => (
    <fieldset disabled={!!disabledReason} className="space-y-2">
      <legend className="mb-2 text-sm font-semibold text-slate-900">{legend}</legend>
      {options.map((o) => (
        <label
          key={o.value}
          className={`flex cursor-pointer items-start gap-3 rounded-lg border px-4 py-3 shadow-xs has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600 has-[:disabled]:cursor-not-allowed ${
            form.values[field] === o.value
              ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500"
              : "border-slate-300 bg-white hover:border-slate-400"
          }`}
        >
          <input
            type="radio"
            name={field}
            value={o.value}
            checked={form.values[field] === o.value}
            onChange={() => form.set(field, o.value)}
            className="mt-0.5 size-4 accent-indigo-600"
          />
          <span className="min-w-0 flex-1">
            <span className="flex flex-wrap items-center gap-2">
              <span className="text-sm font-medium text-slate-900">{o.title}</span>
              {o.badge ? <Badge tone="neutral">{o.badge}</Badge> : null}
              {isConfirmed && form.base[field] === o.value ? <Badge tone="success">In use</Badge> : null}
            </span>
            <span className="mt-0.5 block text-xs text-slate-600">{o.detail}</span>
            {o.warn ? <span className="mt-0.5 block text-xs font-medium text-amber-800">{o.warn}</span> : null}
          </span>
        </label>
      ))}
    </fieldset>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <p className="text-sm text-slate-600">
        Which connections the pipeline uses: one for the repository (simulated or GitHub) and one for the infrastructure
        (simulated or Cloudflare). The simulated provider needs nothing.
        {can("connections") ? (
          <>
            {" "}
            <Link href="/settings/connections" className="font-medium text-indigo-700 hover:underline">
              Manage connections
            </Link>
          </>
        ) : null}
      </p>
      {saver.banners([
        {
          label: "Repository",
          mine: labelOf(repoOptions)(form.values.repo),
          current: labelOf(repoOptions)(form.base.repo),
        },
        {
          label: "Infrastructure",
          mine: labelOf(infraOptions)(form.values.infra),
          current: labelOf(infraOptions)(form.base.infra),
        },
      ])}
      {problem ? <ActionError error={problem} sessionId={session.id} onDismiss={saver.mutation.reset} /> : null}
      {!isConfirmed && !disabledReason ? (
        <Alert tone="info">Check the connections and save to continue to Verify Access.</Alert>
      ) : null}

      {connections.isError ? (
        <QueryError error={connections.error} onRetry={() => void connections.refetch()} what="the connections" />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        {group("repo", "Repository", repoOptions)}
        {group("infra", "Infrastructure", infraOptions)}
      </div>
      {connections.isPending ? <LoadingBlock lines={2} label="Loading connections…" className="px-1 py-2" /> : null}
      {editable ? (
        <SaveBar
          dirty={form.dirty || !isConfirmed}
          pending={saver.mutation.isPending || saver.busy}
          disabledReason={disabledReason}
          version={form.version}
          label={isConfirmed ? "Save connections" : "Save and continue"}
        />
      ) : (
        <p className="border-t border-slate-100 pt-4 text-xs text-slate-500">{disabledReason}</p>
      )}
    </form>
  );
}
