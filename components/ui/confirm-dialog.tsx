"use client";

import { useState, type ReactNode } from "react";
import { errorMessage } from "@/lib/client/api";
import { typedConfirmationMatches } from "@/lib/client/resources";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { Field, Input } from "./field";

/**
 * "Are you sure?" for destructive actions: the confirm button names the action. With
 * `typedConfirmation`, the operator must type that text (e.g. the platform's slug) before the
 * confirm button enables; `confirmDisabled` holds it back for other reasons (a plan loading).
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
  children,
  typedConfirmation,
  confirmDisabled,
  testId,
}: {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
  children?: ReactNode;
  typedConfirmation?: string;
  confirmDisabled?: boolean;
  testId?: string;
}) {
  const [typed, setTyped] = useState("");
  const typedOk = typedConfirmation === undefined || typedConfirmationMatches(typed, typedConfirmation);
  const close = () => {
    setTyped("");
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      description={description}
      testId={testId}
      initialFocus={typedConfirmation === undefined ? "[data-cancel]" : "[data-typed-confirmation]"}
      footer={
        <>
          <Button variant="secondary" onClick={close} data-cancel>
            Keep it
          </Button>
          <Button variant="danger" loading={pending} disabled={!typedOk || confirmDisabled} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children || error || typedConfirmation !== undefined ? (
        <div className="space-y-4">
          {children}
          {typedConfirmation !== undefined ? (
            <Field
              label={
                <>
                  Type <code className="rounded bg-slate-100 px-1 font-mono text-[0.8rem]">{typedConfirmation}</code> to
                  confirm
                </>
              }
            >
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  data-typed-confirmation
                  autoComplete="off"
                  spellCheck={false}
                  className="font-mono"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && typedOk && !confirmDisabled && !pending) onConfirm();
                  }}
                />
              )}
            </Field>
          ) : null}
          {error ? (
            <Alert tone="danger" role="alert">
              {errorMessage(error)}
            </Alert>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
