"use client";

import { errorMessage, isProblem } from "@/lib/client/api";
import { Alert } from "./alert";
import { Button } from "./button";
import { RefreshIcon } from "./icons";

/** The error state of a query: what went wrong, and a retry. */
export function QueryError({ error, onRetry, what = "this" }: { error: unknown; onRetry?: () => void; what?: string }) {
  const notFound = isProblem(error) && error.status === 404;
  const forbidden = isProblem(error) && error.status === 403;
  return (
    <Alert
      tone={notFound || forbidden ? "warning" : "danger"}
      role="alert"
      title={
        notFound
          ? `We could not find ${what}.`
          : forbidden
            ? `You do not have access to ${what}.`
            : `Could not load ${what}.`
      }
      actions={
        onRetry && !notFound && !forbidden ? (
          <Button variant="secondary" size="sm" icon={<RefreshIcon />} onClick={onRetry}>
            Try again
          </Button>
        ) : undefined
      }
    >
      <p>{errorMessage(error)}</p>
    </Alert>
  );
}
