"use client";

import { useId } from "react";
import type { Tier } from "@/lib/client/types";

const TIERS: { value: Tier; label: string; blurb: string }[] = [
  { value: "starter", label: "Starter", blurb: "One region, shared database" },
  { value: "growth", label: "Growth", blurb: "Dedicated database, autoscaling" },
  { value: "scale", label: "Scale", blurb: "Multi-region, priority support" },
];

/** Tier as a radio group: arrow keys move between options, like any native radio set. */
export function TierPicker({
  value,
  onChange,
  disabled,
}: {
  value: Tier;
  onChange: (tier: Tier) => void;
  disabled?: boolean;
}) {
  const name = useId();
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-slate-800">Tier</legend>
      <div className="mt-1.5 grid gap-2 sm:grid-cols-3">
        {TIERS.map((t) => (
          <label
            key={t.value}
            className={`relative flex cursor-pointer flex-col rounded-lg border px-3 py-2.5 text-sm shadow-xs transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60 ${
              value === t.value
                ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500"
                : "border-slate-300 bg-white hover:border-slate-400"
            }`}
          >
            <input
              type="radio"
              name={name}
              value={t.value}
              checked={value === t.value}
              onChange={() => onChange(t.value)}
              className="sr-only"
            />
            <span className="font-medium text-slate-900">{t.label}</span>
            <span className="text-xs text-slate-600">{t.blurb}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
