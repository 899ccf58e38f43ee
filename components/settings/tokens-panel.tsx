"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api, ApiProblem } from "@/lib/client/api";
import { useCan } from "@/lib/client/hooks/use-me";
import { queryKeys } from "@/lib/client/query-keys";
import type { ApiToken, ApiTokenCreated, Role } from "@/lib/client/types";
import { ROLES } from "@/lib/auth/capabilities";
import { StatusBadge, statusLabel } from "../status-badge";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { EmptyState } from "../ui/empty-state";
import { Field, Input, Select } from "../ui/field";
import { QueryError } from "../ui/query-error";
import { RelativeTime } from "../ui/relative-time";
import { LoadingBlock } from "../ui/skeleton";
import { FormProblem, NotAllowed, SecretOnce } from "./shared";

const EXPIRY = [
  { value: "", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
];

function tokenState(t: ApiToken): { label: string; tone: "success" | "muted" | "warning" } {
  if (t.revokedAt) return { label: "Revoked", tone: "muted" };
  if (t.expiresAt && new Date(t.expiresAt).getTime() < Date.now()) return { label: "Expired", tone: "warning" };
  return { label: "Active", tone: "success" };
}

export function TokensPanel() {
  const { can, ready } = useCan();
  const allowed = can("tokens");
  const qc = useQueryClient();
  const tokens = useQuery({
    queryKey: queryKeys.settings.tokens(),
    queryFn: ({ signal }) => api.tokens(signal),
    enabled: allowed,
  });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [expires, setExpires] = useState("90");
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const refresh = () => void refetchAfterWrite(qc, queryKeys.settings.tokens());
  const create = useMutation({
    mutationFn: () =>
      api.createToken({ name: name.trim(), role, ...(expires ? { expiresInDays: Number(expires) } : {}) }),
    onSuccess: (t) => {
      setCreated(t);
      setName("");
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: () => {
      setRevoking(null);
      refresh();
    },
  });

  if (!ready) return <LoadingBlock lines={4} />;
  if (!allowed) return <NotAllowed what="API tokens" />;

  const problem = create.error instanceof ApiProblem ? create.error : null;
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate();
  };

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Create an API token"
          description="For automation: send it as Authorization: Bearer <token>. It acts with the role you choose (at most your own)."
        />
        <CardBody className="space-y-4">
          {created ? (
            <SecretOnce
              title={`Token “${created.name}” created: copy it now`}
              value={created.token}
              onDone={() => setCreated(null)}
            >
              <p>This is the only time it is shown. Onramp stores only a hash of it.</p>
            </SecretOnce>
          ) : null}
          <form onSubmit={onCreate} noValidate className="space-y-4">
            <FormProblem problem={problem} shownFields={["name", "role", "expiresInDays"]} />
            <div className="grid gap-4 sm:grid-cols-[1fr_11rem_10rem_auto] sm:items-start">
              <Field label="Name" error={problem?.fieldError("name")}>
                {({ id, describedBy, invalid }) => (
                  <Input
                    id={id}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    placeholder="CI deploys"
                    maxLength={100}
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Role">
                {({ id }) => (
                  <Select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {statusLabel("role", r)}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="Expires">
                {({ id }) => (
                  <Select id={id} value={expires} onChange={(e) => setExpires(e.target.value)}>
                    {EXPIRY.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Button type="submit" className="sm:mt-7" loading={create.isPending} disabled={!name.trim()}>
                Create token
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Tokens" />
        {tokens.isPending ? (
          <LoadingBlock lines={4} className="p-5" />
        ) : tokens.isError ? (
          <div className="p-5">
            <QueryError error={tokens.error} onRetry={() => void tokens.refetch()} what="the tokens" />
          </div>
        ) : tokens.data.items.length === 0 ? (
          <EmptyState title="No API tokens yet" />
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="token-list">
            {tokens.data.items.map((t) => {
              const state = tokenState(t);
              return (
                <li key={t.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3">
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                      {t.name} <code className="font-mono text-xs font-normal text-slate-500">{t.prefix}…</code>
                    </p>
                    <p className="text-xs text-slate-500">
                      {t.ownerEmail} · created <RelativeTime iso={t.createdAt} /> · last used{" "}
                      {t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} /> : "never"}
                      {t.expiresAt ? (
                        <>
                          {" "}
                          · expires <RelativeTime iso={t.expiresAt} />
                        </>
                      ) : null}
                    </p>
                  </div>
                  <StatusBadge kind="role" value={t.role} />
                  <Badge tone={state.tone}>{state.label}</Badge>
                  {!t.revokedAt ? (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => setRevoking(t)}
                    >
                      Revoke<span className="sr-only"> {t.name}</span>
                    </Button>
                  ) : (
                    <span className="w-[4.5rem]" />
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <ConfirmDialog
        open={!!revoking}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        description="Anything using this token stops working at once. This cannot be undone."
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
      />
    </div>
  );
}
