"use client";

// How the wizard shows an action the server refused (session.actions): the button stays where
// it is, disabled, pointing (aria-describedby) at the server's sentence shown beside it. The
// wizard decides nothing itself; it only chooses where to put the answer.
import type { ActionDecision } from "@/lib/client/types";
import { ROLE_FORBIDDEN } from "@/lib/onboarding/actions";

/** The state would allow it but this caller's role does not: offer no button, say why. */
export const isRoleRefusal = (decision: ActionDecision): boolean =>
  !decision.allowed && decision.reasonCode === ROLE_FORBIDDEN;

/** Props for the button of an action: disabled and described by the reason when refused. */
export function actionButtonProps(decision: ActionDecision, reasonId: string) {
  return decision.allowed ? {} : { disabled: true, "aria-describedby": reasonId };
}

export function ActionReason({
  decision,
  id,
  className = "text-sm text-slate-500",
}: {
  decision: ActionDecision;
  id: string;
  className?: string;
}) {
  if (decision.allowed || !decision.message) return null;
  return (
    <span id={id} data-testid={id} data-reason={decision.reasonCode} className={className}>
      {decision.message}
    </span>
  );
}
