"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api, ApiProblem } from "@/lib/client/api";
import { useCan } from "@/lib/client/hooks/use-me";
import { queryKeys } from "@/lib/client/query-keys";
import type { Connection } from "@/lib/client/types";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { EmptyState } from "../ui/empty-state";
import { CheckCircleIcon, WarningIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import {
  CloudflareConnectionForm,
  cloudflareDraftOf,
  EMPTY_CLOUDFLARE,
  type CloudflareDraft,
} from "./cloudflare-connection-form";
import { ConnectionField, ConnectionFormActions, FormProblem, type ConnectionFieldOptions } from "./shared";

const KIND_LABEL: Record<Connection["kind"], string> = {
  simulated: "Simulated",
  github: "GitHub",
  cloudflare: "Cloudflare",
};

interface Draft {
  name: string;
  org: string;
  templateOwner: string;
  templateRepo: string;
  baseUrl: string;
  token: string;
}

const EMPTY: Draft = { name: "", org: "", templateOwner: "", templateRepo: "", baseUrl: "", token: "" };

const fromConnection = (c: Connection): Draft => ({
  name: c.name,
  org: c.config.org ?? "",
  templateOwner: c.config.templateOwner ?? "",
  templateRepo: c.config.templateRepo ?? "",
  baseUrl: c.config.baseUrl ?? "",
  token: "",
});

/** GitHub connection fields; the token is write-only: never shown back, blank keeps it. */
function ConnectionForm({
  initial,
  editing,
  pending,
  problem,
  onSubmit,
  onCancel,
}: {
  initial: Draft;
  editing: boolean;
  pending: boolean;
  problem: ApiProblem | null;
  onSubmit: (draft: Draft) => void;
  onCancel?: () => void;
}) {
  const [d, setD] = useState(initial);
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) => setD({ ...d, [k]: e.target.value });
  const complete =
    d.name.trim() && d.org.trim() && d.templateOwner.trim() && d.templateRepo.trim() && (editing || d.token.trim());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (complete) onSubmit(d);
  };
  const err = (f: string) => problem?.fieldError(f);
  const text = (label: string, k: keyof Draft, field: string, options: ConnectionFieldOptions = {}) => (
    <ConnectionField label={label} value={d[k]} onChange={set(k)} error={err(field)} options={options} />
  );
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormProblem
        problem={problem}
        shownFields={["name", "config.org", "config.templateOwner", "config.templateRepo", "config.baseUrl", "token"]}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        {text("Name", "name", "name", { placeholder: "Acme GitHub" })}
        {text("Organisation", "org", "config.org", {
          placeholder: "acme-platforms",
          mono: true,
          hint: "Where platform repositories are created.",
        })}
        {text("Template owner", "templateOwner", "config.templateOwner", { placeholder: "acme", mono: true })}
        {text("Template repository", "templateRepo", "config.templateRepo", {
          placeholder: "stack-starter",
          mono: true,
          hint: "Must be marked as a template.",
        })}
        {text("API base URL", "baseUrl", "config.baseUrl", {
          placeholder: "https://api.github.com",
          optional: true,
          mono: true,
          hint: "Only for GitHub Enterprise Server.",
        })}
        {text("Token", "token", "token", {
          type: "password",
          mono: true,
          optional: editing,
          placeholder: editing ? "••••••••" : "ghp_…",
          hint: editing
            ? "Leave blank to keep the stored token. It is never shown."
            : "Needs repo and workflow scopes. Stored encrypted; never shown again.",
        })}
      </div>
      <ConnectionFormActions editing={editing} pending={pending} complete={!!complete} onCancel={onCancel} />
    </form>
  );
}

function ConnectionRow({ connection, manage }: { connection: Connection; manage: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => void refetchAfterWrite(qc, queryKeys.settings.connections());
  const update = useMutation({
    mutationFn: (d: Draft | CloudflareDraft) =>
      "accountId" in d
        ? api.updateConnection(connection.id, {
            name: d.name.trim(),
            config: { accountId: d.accountId.trim(), apiBaseUrl: d.apiBaseUrl.trim() || null },
            ...(d.token.trim() ? { token: d.token.trim() } : {}),
          })
        : api.updateConnection(connection.id, {
            name: d.name.trim(),
            ...(connection.kind === "github"
              ? {
                  config: {
                    org: d.org.trim(),
                    templateOwner: d.templateOwner.trim(),
                    templateRepo: d.templateRepo.trim(),
                    baseUrl: d.baseUrl.trim() || null,
                  },
                }
              : {}),
            ...(d.token.trim() ? { token: d.token.trim() } : {}),
          }),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => api.deleteConnection(connection.id), onSuccess: refresh });
  const c = connection.config;
  return (
    <li className="px-5 py-4" data-testid="connection">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            {connection.name}{" "}
            <Badge tone={connection.kind === "simulated" ? "info" : "neutral"}>{KIND_LABEL[connection.kind]}</Badge>
          </p>
          {connection.kind === "github" ? (
            <p className="mt-0.5 font-mono text-xs text-slate-600">
              org {c.org} · template {c.templateOwner}/{c.templateRepo}
              {c.baseUrl ? ` · ${c.baseUrl}` : ""}
            </p>
          ) : connection.kind === "cloudflare" ? (
            <p className="mt-0.5 font-mono text-xs text-slate-600">
              account {c.accountId}
              {c.apiBaseUrl ? ` · ${c.apiBaseUrl}` : ""}
            </p>
          ) : null}
          <p className="mt-1 flex flex-wrap items-center gap-3 text-xs text-slate-500">
            {connection.hasSecret ? (
              <span className="inline-flex items-center gap-1 text-emerald-700">
                <CheckCircleIcon className="size-3.5" /> Token stored (encrypted)
              </span>
            ) : connection.kind !== "simulated" ? (
              <span className="inline-flex items-center gap-1 text-amber-800">
                <WarningIcon className="size-3.5" /> No token stored
              </span>
            ) : null}
            <span>
              updated <RelativeTime iso={connection.updatedAt} />
            </span>
          </p>
        </div>
        {manage && !editing ? (
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>
              Edit<span className="sr-only"> {connection.name}</span>
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="text-red-700 hover:bg-red-50"
              onClick={() => setDeleting(true)}
            >
              Delete<span className="sr-only"> {connection.name}</span>
            </Button>
          </div>
        ) : null}
      </div>
      {editing ? (
        <div className="mt-4 rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200">
          {connection.kind === "cloudflare" ? (
            <CloudflareConnectionForm
              initial={cloudflareDraftOf(connection)}
              editing
              pending={update.isPending}
              problem={update.error instanceof ApiProblem ? update.error : null}
              onSubmit={(d) => update.mutate(d)}
              onCancel={() => {
                setEditing(false);
                update.reset();
              }}
            />
          ) : (
            <ConnectionForm
              initial={fromConnection(connection)}
              editing
              pending={update.isPending}
              problem={update.error instanceof ApiProblem ? update.error : null}
              onSubmit={(d) => update.mutate(d)}
              onCancel={() => {
                setEditing(false);
                update.reset();
              }}
            />
          )}
        </div>
      ) : null}
      <ConfirmDialog
        open={deleting}
        title={`Delete “${connection.name}”?`}
        description="Its stored token is destroyed. Onboardings using it cannot run until they choose another connection."
        confirmLabel="Delete connection"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
      />
    </li>
  );
}

export function ConnectionsPanel() {
  const { can } = useCan();
  const manage = can("connections");
  const qc = useQueryClient();
  const connections = useQuery({
    queryKey: queryKeys.settings.connections(),
    queryFn: ({ signal }) => api.connections(signal),
  });
  const [formKey, setFormKey] = useState(0);
  const [kind, setKind] = useState<"github" | "cloudflare">("github");
  const create = useMutation({
    mutationFn: (d: Draft | CloudflareDraft) =>
      "accountId" in d
        ? api.createConnection({
            name: d.name.trim(),
            kind: "cloudflare",
            config: {
              accountId: d.accountId.trim(),
              ...(d.apiBaseUrl.trim() ? { apiBaseUrl: d.apiBaseUrl.trim() } : {}),
            },
            token: d.token.trim(),
          })
        : api.createConnection({
            name: d.name.trim(),
            kind: "github",
            config: {
              org: d.org.trim(),
              templateOwner: d.templateOwner.trim(),
              templateRepo: d.templateRepo.trim(),
              ...(d.baseUrl.trim() ? { baseUrl: d.baseUrl.trim() } : {}),
            },
            token: d.token.trim(),
          }),
    onSuccess: () => {
      setFormKey((k) => k + 1);
      void refetchAfterWrite(qc, queryKeys.settings.connections());
    },
  });

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Provider connections"
          description="The built-in simulated provider is always available. Add GitHub to create real repositories, Cloudflare for real infrastructure."
        />
        {connections.isPending ? (
          <LoadingBlock lines={3} className="p-5" />
        ) : connections.isError ? (
          <div className="p-5">
            <QueryError error={connections.error} onRetry={() => void connections.refetch()} what="the connections" />
          </div>
        ) : connections.data.items.length === 0 ? (
          <EmptyState title="No connections yet">Onboardings use the simulated provider until you add one.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {connections.data.items.map((c) => (
              <ConnectionRow key={c.id} connection={c} manage={manage} />
            ))}
          </ul>
        )}
      </Card>
      {manage ? (
        <Card>
          <CardHeader title="Add a connection" />
          <CardBody>
            {create.isSuccess ? (
              <p className="mb-3 text-sm text-emerald-700" role="status">
                Connection added.
              </p>
            ) : null}
            <fieldset className="mb-4">
              <legend className="mb-2 text-sm font-medium text-slate-800">Provider</legend>
              <div className="flex flex-wrap gap-2">
                {(
                  [
                    ["github", "GitHub (repository)"],
                    ["cloudflare", "Cloudflare (infrastructure)"],
                  ] as const
                ).map(([value, label]) => (
                  <label
                    key={value}
                    className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${
                      kind === value
                        ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500"
                        : "border-slate-300 bg-white hover:border-slate-400"
                    }`}
                  >
                    <input
                      type="radio"
                      name="connection-kind"
                      value={value}
                      checked={kind === value}
                      onChange={() => {
                        setKind(value);
                        create.reset();
                      }}
                      className="size-4 accent-indigo-600"
                    />
                    {label}
                  </label>
                ))}
              </div>
            </fieldset>
            {kind === "cloudflare" ? (
              <CloudflareConnectionForm
                key={`cf-${formKey}`}
                initial={EMPTY_CLOUDFLARE}
                editing={false}
                pending={create.isPending}
                problem={create.error instanceof ApiProblem ? create.error : null}
                onSubmit={(d) => create.mutate(d)}
              />
            ) : (
              <ConnectionForm
                key={formKey}
                initial={EMPTY}
                editing={false}
                pending={create.isPending}
                problem={create.error instanceof ApiProblem ? create.error : null}
                onSubmit={(d) => create.mutate(d)}
              />
            )}
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
