"use client";

import { useQueryClient } from "@tanstack/react-query";
import { ApiProblem, errorMessage } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { statusLabel } from "../status-badge";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

/** Why a lifecycle action was refused, in words, with a way to catch up with the server. */
export function ActionError({
  error,
  sessionId,
  onDismiss,
}: {
  error: unknown;
  sessionId: string;
  onDismiss?: () => void;
}) {
  const qc = useQueryClient();
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : null;
  const conflict = problem?.isVersionConflict;
  const reload = () => {
    void qc.invalidateQueries({ queryKey: queryKeys.onboardings.detail(sessionId) });
    onDismiss?.();
  };
  return (
    <Alert
      tone={conflict || problem?.status === 409 ? "warning" : "danger"}
      role="alert"
      testId="action-error"
      title={
        conflict
          ? `This onboarding changed meanwhile${problem?.current ? `: it is now ${statusLabel("lifecycle", problem.current.lifecycleState).toLowerCase()}` : ""}`
          : "That did not work"
      }
      actions={
        conflict || problem?.status === 409 ? (
          <Button size="sm" variant="secondary" onClick={reload}>
            Reload and decide again
          </Button>
        ) : onDismiss ? (
          <Button size="sm" variant="secondary" onClick={onDismiss}>
            Dismiss
          </Button>
        ) : undefined
      }
    >
      <p>
        {errorMessage(error)}
        {problem?.reasonCode && !conflict ? (
          <>
            {" "}
            <code className="rounded bg-white/60 px-1 font-mono text-xs">{problem.reasonCode}</code>
          </>
        ) : null}
      </p>
      {conflict ? (
        <p className="text-xs">
          Nothing was changed. Look at the current state, then try again if it still makes sense.
        </p>
      ) : null}
    </Alert>
  );
}
