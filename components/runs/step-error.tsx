import type { RunStep } from "@/lib/client/types";

/** A failed step's reason code, message and remediation, as the run detail and the wizard show it. */
export function StepError({
  error,
  className = "",
  testId,
}: {
  error: NonNullable<RunStep["error"]>;
  className?: string;
  testId?: string;
}) {
  return (
    <div
      className={`mt-2 rounded-md bg-red-50 px-3 py-2 text-xs text-red-900 ring-1 ring-red-200 ${className}`}
      data-testid={testId}
    >
      <p>
        <code className="font-mono font-semibold">{error.code}</code>
        {error.message ? `: ${error.message}` : ""}
      </p>
      {error.remediation ? (
        <p className="mt-1">
          <span className="font-semibold">How to fix: </span>
          {error.remediation}
        </p>
      ) : null}
    </div>
  );
}
