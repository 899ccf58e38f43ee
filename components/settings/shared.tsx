"use client";

import type { ChangeEvent, ReactNode } from "react";
import type { ApiProblem } from "@/lib/client/api";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Field, Input } from "../ui/field";
import { LockIcon } from "../ui/icons";

/** A section this role may not see or change, said plainly instead of a broken page. */
export function NotAllowed({ what }: { what: string }) {
  return (
    <Alert tone="info" title={`${what} are managed by workspace owners and admins`}>
      <p className="inline-flex items-center gap-1.5">
        <LockIcon className="size-3.5" /> Your role does not include this. Ask an owner if you need access.
      </p>
    </Alert>
  );
}

/** The form-level part of a problem (fields are shown beside their inputs). */
export function FormProblem({ problem, shownFields }: { problem: ApiProblem | null; shownFields: string[] }) {
  if (!problem) return null;
  const rest = problem.fields.filter((f) => !shownFields.includes(f.field));
  if (problem.fields.length && rest.length === 0) return null;
  return (
    <Alert tone="danger" role="alert">
      <p>{problem.detail}</p>
      {rest.length ? (
        <ul className="list-disc pl-4 text-xs">
          {rest.map((f) => (
            <li key={f.field + f.message}>
              {f.field}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

export function SecretOnce({
  title,
  value,
  onDone,
  children,
}: {
  title: string;
  value: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  return (
    <Alert tone="success" role="status" title={title} testId="secret-once">
      {children}
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          className="min-w-0 flex-1 rounded-md bg-white px-3 py-2 font-mono text-xs break-all text-slate-900 ring-1 ring-emerald-300"
          data-testid="secret-value"
        >
          {value}
        </code>
      </div>
      <SecretActions value={value} onDone={onDone} />
    </Alert>
  );
}

function SecretActions({ value, onDone }: { value: string; onDone: () => void }) {
  return (
    <div className="mt-2 flex flex-wrap gap-2">
      <CopyButton value={value} />
      <Button size="sm" variant="ghost" onClick={onDone}>
        I have stored it
      </Button>
    </div>
  );
}

/** The footer of a connection form (GitHub or Cloudflare): cancel when editing, then submit. */
export function ConnectionFormActions({
  editing,
  pending,
  complete,
  onCancel,
}: {
  editing: boolean;
  pending: boolean;
  complete: boolean;
  onCancel?: () => void;
}) {
  return (
    <div className="flex justify-end gap-2">
      {onCancel ? (
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      ) : null}
      <Button type="submit" loading={pending} disabled={!complete}>
        {editing ? "Save connection" : "Add connection"}
      </Button>
    </div>
  );
}

export interface ConnectionFieldOptions {
  placeholder?: string;
  hint?: string;
  optional?: boolean;
  mono?: boolean;
  type?: "text" | "password";
}

/** One text field of a connection form, with its server-side error under it. */
export function ConnectionField({
  label,
  value,
  onChange,
  error,
  options = {},
}: {
  label: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  error?: string;
  options?: ConnectionFieldOptions;
}) {
  const type = options.type ?? "text";
  return (
    <Field label={label} hint={options.hint} optional={options.optional} error={error}>
      {({ id, describedBy, invalid }) => (
        <Input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          type={type}
          autoComplete={type === "password" ? "new-password" : "off"}
          spellCheck={false}
          className={options.mono ? "font-mono" : undefined}
          placeholder={options.placeholder}
          value={value}
          onChange={onChange}
        />
      )}
    </Field>
  );
}
