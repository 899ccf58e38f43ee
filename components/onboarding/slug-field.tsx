"use client";

import { SLUG_HINT } from "@/lib/onboarding/constants";
import type { SlugCheck } from "@/lib/client/hooks/use-slug-availability";
import { Field, Input } from "../ui/field";
import { CheckCircleIcon, Spinner, WarningIcon, XCircleIcon } from "../ui/icons";

export function SlugStatus({ check }: { check: SlugCheck }) {
  switch (check.state) {
    case "checking":
      return (
        <span className="inline-flex items-center gap-1.5 text-slate-500">
          <Spinner className="size-3.5" /> Checking availability…
        </span>
      );
    case "available":
      return (
        <span className="inline-flex items-center gap-1.5 text-emerald-700" data-testid="slug-available">
          <CheckCircleIcon className="size-3.5" /> {check.message}
        </span>
      );
    case "taken":
      return (
        <span className="inline-flex items-center gap-1.5 text-red-700" data-testid="slug-taken">
          <XCircleIcon className="size-3.5" /> {check.message}
        </span>
      );
    case "invalid":
      return (
        <span className="inline-flex items-center gap-1.5 text-amber-800">
          <WarningIcon className="size-3.5" /> Not a valid slug yet
        </span>
      );
    case "error":
      return <span className="text-slate-500">{check.message}</span>;
    default:
      return null;
  }
}

export function SlugField({
  value,
  onChange,
  check,
  error,
  disabled,
  prefix = "Used for the repository and URLs: ",
}: {
  value: string;
  onChange: (value: string) => void;
  check: SlugCheck;
  error?: string;
  disabled?: boolean;
  prefix?: string;
}) {
  return (
    <Field label="Slug" hint={`${prefix}${SLUG_HINT}`} error={error} status={<SlugStatus check={check} />}>
      {({ id, describedBy, invalid }) => (
        <Input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || check.state === "taken" || undefined}
          className="font-mono"
          name="slug"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          maxLength={40}
          required
          disabled={disabled}
          value={value}
          onChange={(e) => onChange(e.target.value.toLowerCase())}
        />
      )}
    </Field>
  );
}
