"use client";
// Over 400 lines on purpose: the endpoint list, its create form and each endpoint's delivery log are one settings screen.

import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api, ApiProblem, errorMessage } from "@/lib/client/api";
import { useCan } from "@/lib/client/hooks/use-me";
import { queryKeys } from "@/lib/client/query-keys";
import type { WebhookCreated, WebhookEndpoint } from "@/lib/client/types";
import { StatusBadge } from "../status-badge";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { EmptyState } from "../ui/empty-state";
import { Field, Input } from "../ui/field";
import { ChevronRightIcon, RefreshIcon } from "../ui/icons";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { FormProblem, NotAllowed, SecretOnce } from "./shared";
import { LoadMoreButton } from "@/components/ui/load-more";

// Mirrors WEBHOOK_EVENTS in lib/webhooks/outbox.ts (a server module, not imported here).
const EVENTS = [
  { value: "onboarding.completed", label: "Bootstrap completed" },
  { value: "onboarding.failed", label: "Bootstrap failed" },
  { value: "onboarding.cancelled", label: "Onboarding cancelled" },
  { value: "onboarding.activated", label: "Platform activated" },
  { value: "onboarding.stalled", label: "Run stalled (no progress)" },
] as const;

function EventPicker({
  value,
  onChange,
  disabled,
}: {
  value: string[];
  onChange: (events: string[]) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-slate-800">Events</legend>
      <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
        {EVENTS.map((e) => (
          <label
            key={e.value}
            className="flex items-center gap-2 rounded-md px-1 py-1 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600"
          >
            <input
              type="checkbox"
              className="size-4 accent-indigo-600"
              checked={value.includes(e.value)}
              onChange={(ev) => onChange(ev.target.checked ? [...value, e.value] : value.filter((v) => v !== e.value))}
            />
            <span>
              {e.label} <code className="font-mono text-xs text-slate-500">{e.value}</code>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const qc = useQueryClient();
  const deliveries = useInfiniteQuery({
    queryKey: queryKeys.settings.deliveries(endpointId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.deliveries(endpointId, pageParam, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((d) => d.status === "pending")) ? 5000 : false,
  });
  const redeliver = useMutation({
    mutationFn: (id: string) => api.redeliver(id),
    onSettled: () => void refetchAfterWrite(qc, queryKeys.settings.deliveries(endpointId)),
  });
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  if (deliveries.isPending) return <LoadingBlock lines={3} className="py-3" label="Loading deliveries…" />;
  if (deliveries.isError)
    return <QueryError error={deliveries.error} onRetry={() => void deliveries.refetch()} what="the deliveries" />;
  return (
    <div className="space-y-2">
      {redeliver.error ? (
        <Alert tone="danger" role="alert">
          {errorMessage(redeliver.error)}
        </Alert>
      ) : null}
      <div className="flex items-center justify-between">
        <p className="text-xs text-slate-500">Every attempt is kept; failed deliveries are retried with backoff.</p>
        <Button
          size="sm"
          variant="ghost"
          icon={<RefreshIcon />}
          loading={deliveries.isRefetching}
          onClick={() => void deliveries.refetch()}
        >
          Refresh
        </Button>
      </div>
      {items.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-500">
          No deliveries yet. Send a test.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="w-full min-w-[640px] text-left text-xs" data-testid="delivery-list">
            <thead className="bg-slate-50 text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Event
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Attempts
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Response
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Created
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((d) => (
                <tr key={d.id}>
                  <td className="px-3 py-2 font-mono">{d.event}</td>
                  <td className="px-3 py-2">
                    <StatusBadge kind="delivery" value={d.status} />
                  </td>
                  <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
                  <td className="max-w-52 px-3 py-2">
                    {d.lastStatusCode ? <span className="font-mono">HTTP {d.lastStatusCode}</span> : null}
                    {d.lastError ? (
                      <span className="block truncate text-red-700" title={d.lastError}>
                        {d.lastError}
                      </span>
                    ) : null}
                    {!d.lastStatusCode && !d.lastError ? <span className="text-slate-400">—</span> : null}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <RelativeTime iso={d.createdAt} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Button
                      size="sm"
                      variant="secondary"
                      loading={redeliver.isPending && redeliver.variables === d.id}
                      onClick={() => redeliver.mutate(d.id)}
                    >
                      Redeliver
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMoreButton query={deliveries} size="sm" />
    </div>
  );
}

function EndpointCard({ endpoint }: { endpoint: WebhookEndpoint }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [editing, setEditing] = useState<string[] | null>(null);
  const refresh = () => void refetchAfterWrite(qc, queryKeys.settings.webhooks());
  const update = useMutation({
    mutationFn: (input: { active?: boolean; events?: string[] }) => api.updateWebhook(endpoint.id, input),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const test = useMutation({
    mutationFn: () => api.testWebhook(endpoint.id),
    onSuccess: () => {
      setOpen(true);
      void refetchAfterWrite(qc, queryKeys.settings.deliveries(endpoint.id));
    },
  });
  const remove = useMutation({ mutationFn: () => api.deleteWebhook(endpoint.id), onSuccess: refresh });
  const error = update.error ?? test.error;

  return (
    <li className="px-5 py-4" data-testid="webhook-endpoint">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="truncate font-mono text-sm text-slate-900">{endpoint.url}</p>
          {endpoint.description ? <p className="text-sm text-slate-600">{endpoint.description}</p> : null}
          <div className="mt-1.5 flex flex-wrap gap-1.5">
            {endpoint.events.map((e) => (
              <Badge key={e} tone="neutral">
                {e}
              </Badge>
            ))}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            variant="secondary"
            role="switch"
            aria-checked={endpoint.active}
            loading={update.isPending && editing === null}
            onClick={() => update.mutate({ active: !endpoint.active })}
          >
            <span
              className={`inline-block size-2 rounded-full ${endpoint.active ? "bg-emerald-500" : "bg-slate-300"}`}
              aria-hidden
            />
            {endpoint.active ? "Active" : "Paused"}
          </Button>
          <Button size="sm" variant="secondary" loading={test.isPending} onClick={() => test.mutate()}>
            Send test
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(editing ? null : endpoint.events)}>
            Edit events
          </Button>
          <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </div>
      </div>
      {error ? (
        <Alert tone="danger" role="alert" className="mt-3">
          {errorMessage(error)}
        </Alert>
      ) : null}
      {editing ? (
        <div className="mt-3 space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200">
          <EventPicker value={editing} onChange={setEditing} />
          <div className="flex gap-2">
            <Button
              size="sm"
              loading={update.isPending}
              disabled={editing.length === 0}
              onClick={() => update.mutate({ events: editing })}
            >
              Save events
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : null}
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="mt-3 inline-flex items-center gap-1 rounded text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <ChevronRightIcon className={`size-4 transition-transform ${open ? "rotate-90" : ""}`} />
        Deliveries
      </button>
      {open ? (
        <div className="mt-2">
          <Deliveries endpointId={endpoint.id} />
        </div>
      ) : null}
      <ConfirmDialog
        open={deleting}
        title="Delete this webhook?"
        description={`${endpoint.url} receives no more events and its delivery log is deleted.`}
        confirmLabel="Delete webhook"
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

export function WebhooksPanel() {
  const { can, ready } = useCan();
  const allowed = can("webhooks");
  const qc = useQueryClient();
  const webhooks = useQuery({
    queryKey: queryKeys.settings.webhooks(),
    queryFn: ({ signal }) => api.webhooks(signal),
    enabled: allowed,
  });
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(EVENTS.map((e) => e.value));
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.createWebhook({
        url: url.trim(),
        events,
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    onSuccess: (w) => {
      setCreated(w);
      setUrl("");
      setDescription("");
      void refetchAfterWrite(qc, queryKeys.settings.webhooks());
    },
  });

  if (!ready) return <LoadingBlock lines={4} />;
  if (!allowed) return <NotAllowed what="Webhooks" />;
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim() && events.length) create.mutate();
  };

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Add a webhook"
          description="Onramp POSTs signed JSON (Onramp-Signature: t=…,v1=HMAC-SHA256) to this URL when an onboarding completes, fails, is cancelled or activated."
        />
        <CardBody className="space-y-4">
          {created ? (
            <SecretOnce
              title="Webhook added: copy its signing secret now"
              value={created.secret}
              onDone={() => setCreated(null)}
            >
              <p>Use it to verify the signature of each delivery. It is not shown again.</p>
            </SecretOnce>
          ) : null}
          <form onSubmit={onCreate} noValidate className="space-y-4">
            <FormProblem problem={problem} shownFields={["url", "description", "events"]} />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="URL" error={problem?.fieldError("url")}>
                {({ id, describedBy, invalid }) => (
                  <Input
                    id={id}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    type="url"
                    placeholder="https://hooks.example.com/onramp"
                    value={url}
                    onChange={(e) => setUrl(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Description" optional error={problem?.fieldError("description")}>
                {({ id, describedBy }) => (
                  <Input
                    id={id}
                    aria-describedby={describedBy}
                    maxLength={500}
                    value={description}
                    onChange={(e) => setDescription(e.target.value)}
                  />
                )}
              </Field>
            </div>
            <EventPicker value={events} onChange={setEvents} />
            {problem?.fieldError("events") ? (
              <p className="text-xs font-medium text-red-700">{problem.fieldError("events")}</p>
            ) : null}
            <div className="flex justify-end">
              <Button type="submit" loading={create.isPending} disabled={!url.trim() || events.length === 0}>
                Add webhook
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Endpoints" />
        {webhooks.isPending ? (
          <LoadingBlock lines={4} className="p-5" />
        ) : webhooks.isError ? (
          <div className="p-5">
            <QueryError error={webhooks.error} onRetry={() => void webhooks.refetch()} what="the webhooks" />
          </div>
        ) : webhooks.data.items.length === 0 ? (
          <EmptyState title="No webhooks yet" />
        ) : (
          <ul className="divide-y divide-slate-100">
            {webhooks.data.items.map((w) => (
              <EndpointCard key={w.id} endpoint={w} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
