"use client";

// A Cloudflare (infrastructure) connection: account id, API token (write-only) and an optional
// API base URL for a proxy or a local fake.
import { useState, type FormEvent } from "react";
import type { ApiProblem } from "@/lib/client/api";
import type { Connection } from "@/lib/client/types";
import { ConnectionField, ConnectionFormActions, FormProblem, type ConnectionFieldOptions } from "./shared";

export interface CloudflareDraft {
  name: string;
  accountId: string;
  apiBaseUrl: string;
  token: string;
}

export const EMPTY_CLOUDFLARE: CloudflareDraft = { name: "", accountId: "", apiBaseUrl: "", token: "" };

export const cloudflareDraftOf = (c: Connection): CloudflareDraft => ({
  name: c.name,
  accountId: c.config.accountId ?? "",
  apiBaseUrl: c.config.apiBaseUrl ?? "",
  token: "",
});

export function CloudflareConnectionForm({
  initial,
  editing,
  pending,
  problem,
  onSubmit,
  onCancel,
}: {
  initial: CloudflareDraft;
  editing: boolean;
  pending: boolean;
  problem: ApiProblem | null;
  onSubmit: (draft: CloudflareDraft) => void;
  onCancel?: () => void;
}) {
  const [d, setD] = useState(initial);
  const set = (k: keyof CloudflareDraft) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setD({ ...d, [k]: e.target.value });
  const complete = d.name.trim() && d.accountId.trim() && (editing || d.token.trim());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (complete) onSubmit(d);
  };
  const err = (f: string) => problem?.fieldError(f);
  const text = (label: string, k: keyof CloudflareDraft, field: string, options: ConnectionFieldOptions = {}) => (
    <ConnectionField label={label} value={d[k]} onChange={set(k)} error={err(field)} options={options} />
  );
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormProblem problem={problem} shownFields={["name", "config.accountId", "config.apiBaseUrl", "token"]} />
      <div className="grid gap-4 sm:grid-cols-2">
        {text("Name", "name", "name", { placeholder: "Acme Cloudflare" })}
        {text("Account ID", "accountId", "config.accountId", {
          placeholder: "0123456789abcdef0123456789abcdef",
          mono: true,
          hint: "32 hex characters: the dashboard's account home, right-hand column.",
        })}
        {text("API base URL", "apiBaseUrl", "config.apiBaseUrl", {
          placeholder: "https://api.cloudflare.com/client/v4",
          optional: true,
          mono: true,
          hint: "Only for a proxy or a local fake.",
        })}
        {text("Token", "token", "token", {
          type: "password",
          mono: true,
          optional: editing,
          placeholder: editing ? "••••••••" : "API token",
          hint: editing
            ? "Leave blank to keep the stored token. It is never shown."
            : "Account permissions: D1 Edit, Workers Scripts Edit, Cloudflare Pages Edit, Account Settings Read. Stored encrypted.",
        })}
      </div>
      <ConnectionFormActions editing={editing} pending={pending} complete={!!complete} onCancel={onCancel} />
    </form>
  );
}
