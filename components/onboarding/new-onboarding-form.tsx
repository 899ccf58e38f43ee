"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { refetchAfterWrite } from "@/lib/client/refetch-after-write";
import { api, ApiProblem, errorMessage } from "@/lib/client/api";
import { broadcastSessionSaved } from "@/lib/client/broadcast";
import { useCan } from "@/lib/client/hooks/use-me";
import { useSlugAvailability } from "@/lib/client/hooks/use-slug-availability";
import { queryKeys } from "@/lib/client/query-keys";
import type { CreateOnboardingInput, Tier } from "@/lib/client/types";
import { PIPELINE_STEPS, SLUG_PATTERN, suggestSlug, type PipelineStepKey } from "@/lib/onboarding/constants";
import { PageHeader } from "../page-header";
import { Alert } from "../ui/alert";
import { Button, ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Input, Select } from "../ui/field";
import { ArrowLeftIcon, ChevronRightIcon } from "../ui/icons";
import { LoadingBlock } from "../ui/skeleton";
import { SlugField } from "./slug-field";
import { StackTemplateField } from "./stack-template-field";
import { TierPicker } from "./tier-picker";

/** Verify Access checks of the simulated provider that can be made to fail. */
const SIMULATED_CHECKS = [
  { key: "infra_credentials", label: "Infrastructure credentials" },
  { key: "infra_quota", label: "Infrastructure quota" },
  { key: "repo_token", label: "Repository credentials" },
  { key: "repo_create_permission", label: "Permission to create repositories" },
  { key: "template_repository", label: "Stack template" },
  { key: "slug_available", label: "Repository name" },
];

const newKey = () =>
  typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;

export function NewOnboardingForm() {
  const router = useRouter();
  const qc = useQueryClient();
  const { can, ready } = useCan();

  const [platformName, setPlatformName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [tier, setTier] = useState<Tier>("starter");
  const [stackTemplateId, setStackTemplateId] = useState("");
  const [failStep, setFailStep] = useState<PipelineStepKey | "">("");
  const [failTimes, setFailTimes] = useState("1");
  const [stepDelayMs, setStepDelayMs] = useState("");
  const [failCheck, setFailCheck] = useState("");
  const [submitted, setSubmitted] = useState(false);
  // One key per distinct request: a retry after a lost answer never creates a second onboarding.
  const idempotencyKey = useRef<string | null>(null);
  const touch = () => {
    idempotencyKey.current = null;
  };

  const slugCheck = useSlugAvailability(slug);

  const create = useMutation({
    mutationFn: (input: CreateOnboardingInput) => {
      idempotencyKey.current ??= newKey();
      return api.createOnboarding(input, idempotencyKey.current);
    },
    onSuccess: (created) => {
      void refetchAfterWrite(qc, queryKeys.onboardings.all());
      broadcastSessionSaved(created.onboardingId, created.version);
      router.push(`/onboarding/${created.onboardingId}`);
    },
  });

  const problem = create.error instanceof ApiProblem ? create.error : null;
  const nameError =
    (submitted && !platformName.trim() ? "Give the platform a name." : undefined) ??
    problem?.fieldError("platformName");
  const slugError =
    (submitted && !SLUG_PATTERN.test(slug) ? "Enter a valid slug." : undefined) ??
    (problem?.code === "slug_taken" ? problem.detail : problem?.fieldError("slug"));
  const templateError = problem?.fieldError("stackTemplateId");
  const simulationError = problem?.fields.find((f) => f.field.startsWith("simulation"))?.message;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!platformName.trim() || !SLUG_PATTERN.test(slug) || slugCheck.state === "taken") return;
    const simulation: NonNullable<CreateOnboardingInput["simulation"]> = {};
    if (failStep) {
      simulation.failStep = failStep;
      simulation.failTimes = Number(failTimes) || 0;
    }
    if (stepDelayMs !== "") simulation.stepDelayMs = Number(stepDelayMs);
    if (failCheck) simulation.failCheck = failCheck;
    create.mutate({
      platformName: platformName.trim(),
      slug,
      tier,
      ...(stackTemplateId.trim() ? { stackTemplateId: stackTemplateId.trim() } : {}),
      ...(Object.keys(simulation).length ? { simulation } : {}),
    });
  };

  if (!ready) return <LoadingBlock lines={6} />;

  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        eyebrow={
          <Link href="/" className="inline-flex items-center gap-1 hover:text-slate-700">
            <ArrowLeftIcon className="size-3.5" /> Onboardings
          </Link>
        }
        title="New onboarding"
        description="Name the platform. You can connect a provider, verify access and bootstrap it next."
      />
      {!can("manage_drafts") ? (
        <Alert tone="warning" title="You cannot create onboardings">
          Your role can view onboardings but not start them. Ask a workspace owner for the operator role.
        </Alert>
      ) : (
        <Card>
          <form onSubmit={onSubmit} noValidate className="space-y-6 px-5 py-6 sm:px-6">
            {problem && !problem.fields.length && problem.code !== "slug_taken" ? (
              <Alert tone="danger" role="alert" title="The onboarding was not created">
                {problem.detail}
              </Alert>
            ) : null}
            {create.isError && !problem ? (
              <Alert tone="danger" role="alert">
                {errorMessage(create.error)}
              </Alert>
            ) : null}

            <Field label="Platform name" error={nameError} hint="How operators will recognise it, e.g. “Acme Cloud”.">
              {({ id, describedBy, invalid }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  name="platformName"
                  autoComplete="off"
                  maxLength={120}
                  required
                  autoFocus
                  value={platformName}
                  onChange={(e) => {
                    touch();
                    setPlatformName(e.target.value);
                    if (!slugEdited) setSlug(suggestSlug(e.target.value));
                  }}
                />
              )}
            </Field>

            <SlugField
              value={slug}
              check={slugCheck}
              error={slugError}
              prefix={slugEdited ? "" : "Suggested from the name until you edit it. "}
              onChange={(v) => {
                touch();
                setSlugEdited(true);
                setSlug(v);
              }}
            />

            <TierPicker
              value={tier}
              onChange={(t) => {
                touch();
                setTier(t);
              }}
            />

            <StackTemplateField
              value={stackTemplateId}
              error={templateError}
              onChange={(value) => {
                touch();
                setStackTemplateId(value);
              }}
            />

            <details
              className="group rounded-lg border border-slate-200 bg-slate-50/60"
              open={!!simulationError || undefined}
            >
              <summary className="flex cursor-pointer list-none items-center gap-2 px-4 py-3 text-sm font-medium text-slate-800 select-none">
                <ChevronRightIcon className="size-4 text-slate-500 transition-transform group-open:rotate-90" />
                Advanced: failure injection (simulated provider)
              </summary>
              <div className="space-y-4 border-t border-slate-200 px-4 py-4">
                <p className="text-xs text-slate-600">
                  Rehearse failures without touching real providers. Only accepted while the onboarding uses the
                  built-in simulated provider.
                </p>
                {simulationError ? (
                  <Alert tone="danger" role="alert">
                    {simulationError}
                  </Alert>
                ) : null}
                <div className="grid gap-4 sm:grid-cols-2">
                  <Field label="Failing bootstrap step">
                    {({ id, describedBy }) => (
                      <Select
                        id={id}
                        aria-describedby={describedBy}
                        name="failStep"
                        value={failStep}
                        onChange={(e) => {
                          touch();
                          setFailStep(e.target.value as PipelineStepKey | "");
                        }}
                      >
                        <option value="">None</option>
                        {PIPELINE_STEPS.map((s) => (
                          <option key={s.key} value={s.key}>
                            {s.label} ({s.key})
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  <Field label="Failing attempts" hint="0 = every attempt fails.">
                    {({ id, describedBy }) => (
                      <Input
                        id={id}
                        aria-describedby={describedBy}
                        name="failTimes"
                        type="number"
                        min={0}
                        max={100}
                        inputMode="numeric"
                        disabled={!failStep}
                        value={failTimes}
                        onChange={(e) => {
                          touch();
                          setFailTimes(e.target.value);
                        }}
                      />
                    )}
                  </Field>
                  <Field label="Step duration (ms)" optional hint="Each simulated step takes this long.">
                    {({ id, describedBy }) => (
                      <Input
                        id={id}
                        aria-describedby={describedBy}
                        name="stepDelayMs"
                        type="number"
                        min={0}
                        max={60000}
                        step={100}
                        inputMode="numeric"
                        placeholder="1500"
                        value={stepDelayMs}
                        onChange={(e) => {
                          touch();
                          setStepDelayMs(e.target.value);
                        }}
                      />
                    )}
                  </Field>
                  <Field label="Failing Verify Access check" optional>
                    {({ id, describedBy }) => (
                      <Select
                        id={id}
                        aria-describedby={describedBy}
                        name="failCheck"
                        value={failCheck}
                        onChange={(e) => {
                          touch();
                          setFailCheck(e.target.value);
                        }}
                      >
                        <option value="">None</option>
                        {SIMULATED_CHECKS.map((c) => (
                          <option key={c.key} value={c.key}>
                            {c.label}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                </div>
              </div>
            </details>

            <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row sm:justify-end">
              <ButtonLink href="/" variant="secondary">
                Cancel
              </ButtonLink>
              <Button type="submit" loading={create.isPending || create.isSuccess}>
                Create onboarding
              </Button>
            </div>
          </form>
        </Card>
      )}
    </div>
  );
}
