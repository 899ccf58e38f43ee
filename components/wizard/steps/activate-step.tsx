"use client";

import { useState, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { formatDate } from "@/lib/client/format";
import { latestRun, useSessionAction } from "@/lib/client/hooks/use-onboarding";
import { queryKeys } from "@/lib/client/query-keys";
import { ResourceList } from "../../resources/resource-list";
import { StatusBadge } from "../../status-badge";
import { Alert } from "../../ui/alert";
import { Button, ButtonLink } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { Field, Textarea } from "../../ui/field";
import { ExternalIcon, RocketIcon, WarningIcon } from "../../ui/icons";
import { ActionError } from "../action-error";
import { checksOf } from "./verify-access-step";
import { useWizard } from "../wizard-context";
import { ActionReason, actionButtonProps, isRoleRefusal } from "../action-reason";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-4 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

function ExternalLink({ href }: { href: string | null | undefined }) {
  if (!href) return <span className="text-slate-500">Not available yet</span>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noreferrer"
      className="inline-flex items-center gap-1 font-mono text-xs text-indigo-700 hover:underline"
    >
      {href} <ExternalIcon className="size-3.5" />
    </a>
  );
}

const MIN_REASON = 10;

export function ActivateStep() {
  const { session, runs } = useWizard();
  const connections = useQuery({
    queryKey: queryKeys.settings.connections(),
    queryFn: ({ signal }) => api.connections(signal),
  });
  const [overriding, setOverriding] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonTouched, setReasonTouched] = useState(false);

  const activate = useSessionAction(
    session,
    (id, version, opts: { override?: boolean; reason?: string }) => api.activate(id, version, opts),
    {
      onSuccess: () => {
        setOverriding(false);
        setReason("");
      },
    },
  );

  const verify = latestRun(runs, "verify_access");
  const bootstrap = latestRun(runs, "bootstrap");
  const checks = checksOf(verify);
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  const stepResult = (key: string) => bootstrap?.steps?.find((s) => s.key === key)?.result ?? null;
  const repoUrl = stepResult("setup_repo")?.url as string | undefined;
  // GitHub reports the environment URL only once the deployment succeeded, i.e. at verify.
  const deploymentUrl = (stepResult("verify")?.environmentUrl ?? stepResult("deploy_services")?.environmentUrl) as
    string | undefined;
  const succeeded = bootstrap?.steps?.filter((s) => s.status === "succeeded").length ?? 0;
  const failedStep = bootstrap?.steps?.find((s) => s.status === "failed");
  const connectionName = (id: string | null | undefined) =>
    id ? (connections.data?.items.find((c) => c.id === id)?.name ?? id) : "Simulated (built-in)";

  const { activate: activateAction, overrideActivate: overrideAction } = session.actions;
  // An override is offered only where a plain activation is refused (the server allows both when ready).
  const offerOverride = overrideAction.allowed && !activateAction.allowed;
  const reasonOk = reason.trim().length >= MIN_REASON;

  return (
    <div className="space-y-5">
      {session.activatedAt ? (
        <Alert tone="success" testId="activated" title={`${session.platformName} is active`}>
          <p>Activated {formatDate(session.activatedAt)}. Operators and automation can now use the platform.</p>
          {session.activationOverrideReason ? (
            <p className="mt-1" data-testid="activation-override">
              <span className="font-semibold">Activated with an override: </span>
              {session.activationOverrideReason}
            </p>
          ) : null}
        </Alert>
      ) : (
        <p className="text-sm text-slate-600">
          Review what was built, then activate the platform. Activation is recorded in the audit trail.
        </p>
      )}

      <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="activate-review">
        <Row label="Platform">
          <span className="font-medium">{session.platformName}</span>{" "}
          <span className="font-mono text-xs text-slate-500">{session.slug}</span>{" "}
          <span className="text-slate-500 capitalize">· {session.tier}</span>
        </Row>
        <Row label="Stack template">
          <span className="font-mono text-xs">{session.stackTemplateId ?? "onramp/stack-starter (default)"}</span>
        </Row>
        <Row label="Connections">
          Repository: {connectionName(session.connectionId)} · Infrastructure:{" "}
          {connectionName(session.infraConnectionId)}
        </Row>
        <Row label="Repository">
          <ExternalLink href={repoUrl} />
        </Row>
        <Row label="Deployment URL">
          <ExternalLink href={deploymentUrl} />
        </Row>
        <Row label="Access checks">
          {verify ? (
            <span className="flex flex-wrap items-center gap-1.5">
              <StatusBadge kind="check" value="pass" /> {count("pass")}
              <StatusBadge kind="check" value="warn" className="ml-2" /> {count("warn")}
              <StatusBadge kind="check" value="fail" className="ml-2" /> {count("fail")}
            </span>
          ) : (
            <span className="text-slate-500">Not verified</span>
          )}
        </Row>
        <Row label="Bootstrap">
          {bootstrap ? (
            <span className="flex flex-wrap items-center gap-2">
              <StatusBadge
                kind="run"
                value={bootstrap.status === "completed" ? (bootstrap.outcome ?? "succeeded") : bootstrap.status}
              />
              {succeeded} of {bootstrap.steps?.length ?? 5} steps succeeded
              {failedStep ? ` · failed at ${failedStep.label}` : ""}
            </span>
          ) : (
            <span className="text-slate-500">Not started</span>
          )}
        </Row>
        <Row label="Lifecycle">
          <StatusBadge kind="lifecycle" value={session.lifecycleState} />
        </Row>
      </dl>

      <section aria-labelledby="resources-heading" className="space-y-2" data-testid="activate-resources">
        <div>
          <h3 id="resources-heading" className="text-sm font-semibold text-slate-900">
            Resources
          </h3>
          <p className="text-xs text-slate-500">
            What the pipeline created or adopted in each provider. Deprovision deletes only what it created.
          </p>
        </div>
        <ResourceList
          onboardingId={session.id}
          refreshOn={`${session.version}:${runs.map((r) => `${r.id}=${r.status}`).join(",")}`}
        />
      </section>

      <ActionError
        error={activate.error && !overriding ? activate.error : null}
        sessionId={session.id}
        onDismiss={activate.reset}
      />

      {!session.activatedAt ? (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          {isRoleRefusal(activateAction) ? null : (
            <Button
              onClick={() => activate.mutate({})}
              loading={activate.isPending && !overriding}
              icon={<RocketIcon />}
              {...actionButtonProps(activateAction, "activate-why")}
            >
              Activate
            </Button>
          )}
          {offerOverride ? (
            <Button variant="secondary" icon={<WarningIcon />} onClick={() => setOverriding(true)}>
              Activate with override
            </Button>
          ) : null}
          {activateAction.allowed ? (
            <p id="activate-why" className="text-sm text-slate-500">
              All checks passed and bootstrap succeeded.
            </p>
          ) : (
            <ActionReason decision={activateAction} id="activate-why" />
          )}
          {!activateAction.allowed &&
          !overrideAction.allowed &&
          overrideAction.reasonCode !== activateAction.reasonCode ? (
            <ActionReason decision={overrideAction} id="override-why" />
          ) : null}
        </div>
      ) : null}

      {session.activatedAt ? (
        <div className="flex flex-wrap gap-2">
          <ButtonLink href="/platforms" variant="secondary">
            View platforms
          </ButtonLink>
          <ButtonLink href="/onboarding/new" variant="ghost">
            Start another onboarding
          </ButtonLink>
        </div>
      ) : null}

      <Dialog
        open={overriding}
        onClose={() => {
          setOverriding(false);
          activate.reset();
        }}
        testId="override-dialog"
        title="Activate with override"
        description="Bootstrap did not finish cleanly. Activating anyway is audited with your reason."
        footer={
          <>
            <Button variant="secondary" onClick={() => setOverriding(false)}>
              Back
            </Button>
            <Button
              variant="danger"
              loading={activate.isPending}
              onClick={() => {
                setReasonTouched(true);
                if (reasonOk) activate.mutate({ override: true, reason: reason.trim() });
              }}
            >
              Activate with override
            </Button>
          </>
        }
      >
        <div className="space-y-3">
          <Field
            label="Reason"
            hint={`At least ${MIN_REASON} characters; ${Math.max(0, MIN_REASON - reason.trim().length)} more needed.`}
            error={
              reasonTouched && !reasonOk ? `Explain the override in at least ${MIN_REASON} characters.` : undefined
            }
          >
            {({ id, describedBy, invalid }) => (
              <Textarea
                id={id}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                required
                maxLength={2000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                onBlur={() => setReasonTouched(true)}
              />
            )}
          </Field>
          <ActionError error={overriding ? activate.error : null} sessionId={session.id} />
        </div>
      </Dialog>
    </div>
  );
}
