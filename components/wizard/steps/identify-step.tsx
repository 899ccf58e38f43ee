"use client";

import type { FormEvent } from "react";
import { ApiProblem } from "@/lib/client/api";
import { useSlugAvailability } from "@/lib/client/hooks/use-slug-availability";
import { useVersionedForm } from "@/lib/client/hooks/use-versioned-form";
import type { Session, Tier } from "@/lib/client/types";
import { SLUG_PATTERN } from "@/lib/onboarding/constants";
import { SlugField } from "../../onboarding/slug-field";
import { StackTemplateField } from "../../onboarding/stack-template-field";
import { TierPicker } from "../../onboarding/tier-picker";
import { Alert } from "../../ui/alert";
import { Field, Input } from "../../ui/field";
import { ActionError } from "../action-error";
import { fieldLabel } from "../conflict-notice";
import { SaveBar, useVersionedSave } from "../versioned-save";
import { useWizard } from "../wizard-context";
import { isRoleRefusal } from "../action-reason";

const pick = (s: Session) => ({
  platformName: s.platformName,
  slug: s.slug,
  tier: s.tier as string,
  stackTemplateId: s.stackTemplateId ?? "",
});

export function IdentifyStep() {
  const { session, runs } = useWizard();
  const form = useVersionedForm(session, pick);
  const saver = useVersionedSave(form, (changes) => ({
    ...(changes.platformName !== undefined ? { platformName: changes.platformName.trim() } : {}),
    ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
    ...(changes.tier !== undefined ? { tier: changes.tier as Tier } : {}),
    ...(changes.stackTemplateId !== undefined ? { stackTemplateId: changes.stackTemplateId.trim() || null } : {}),
  }));
  const slugCheck = useSlugAvailability(form.values.slug, { excludeId: session.id, unchangedFrom: form.base.slug });

  const save = session.actions.saveDraft;
  const editable = !isRoleRefusal(save);
  const disabledReason = save.allowed ? null : (save.message ?? "These details cannot be changed now.");
  const readOnly = !!disabledReason;
  const verified = runs.some((r) => r.kind === "verify_access");

  const problem = saver.error instanceof ApiProblem ? saver.error : null;
  const nameInvalid = form.values.platformName.trim() === "";
  const slugInvalid = !SLUG_PATTERN.test(form.values.slug);
  const fieldErrorShown = problem?.fields.length || problem?.code === "slug_taken";

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (readOnly || !form.dirty || nameInvalid || slugInvalid || slugCheck.state === "taken") return;
    saver.save();
  };

  const reviewRows = form.dirtyFields.map((f) => ({
    label: fieldLabel(String(f)),
    mine: String(form.values[f] || "(empty)"),
    current: String(form.base[f] || "(empty)"),
  }));

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-describedby="identify-intro">
      <p id="identify-intro" className="text-sm text-slate-600">
        What is being onboarded. The slug names the repository and URLs; changing it after Verify Access means verifying
        again.
      </p>
      {saver.banners(reviewRows)}
      {verified &&
      save.allowed &&
      form.dirty &&
      (form.values.slug !== form.base.slug || form.values.stackTemplateId !== form.base.stackTemplateId) ? (
        <Alert tone="info">Changing the slug or template means running Verify Access again.</Alert>
      ) : null}
      {problem && !fieldErrorShown ? (
        <ActionError error={problem} sessionId={session.id} onDismiss={saver.mutation.reset} />
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Field
          label="Platform name"
          error={problem?.fieldError("platformName") ?? (nameInvalid ? "Give the platform a name." : undefined)}
        >
          {({ id, describedBy, invalid }) => (
            <Input
              id={id}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              name="platformName"
              maxLength={120}
              disabled={readOnly}
              value={form.values.platformName}
              onChange={(e) => form.set("platformName", e.target.value)}
            />
          )}
        </Field>
        <SlugField
          value={form.values.slug}
          onChange={(v) => form.set("slug", v)}
          check={readOnly ? { state: "unchanged" } : slugCheck}
          disabled={readOnly}
          error={problem?.code === "slug_taken" ? problem.detail : problem?.fieldError("slug")}
        />
      </div>
      <TierPicker value={form.values.tier as Tier} onChange={(t) => form.set("tier", t)} disabled={readOnly} />
      <StackTemplateField
        value={form.values.stackTemplateId}
        error={problem?.fieldError("stackTemplateId")}
        disabled={readOnly}
        onChange={(value) => form.set("stackTemplateId", value)}
      />
      {editable ? (
        <SaveBar
          dirty={form.dirty}
          pending={saver.mutation.isPending || saver.busy}
          disabledReason={disabledReason}
          version={form.version}
          label="Save details"
        />
      ) : (
        <p className="border-t border-slate-100 pt-4 text-xs text-slate-500">{disabledReason}</p>
      )}
    </form>
  );
}
