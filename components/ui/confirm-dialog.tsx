"use client";

import type { ReactNode } from "react";
import { errorMessage } from "@/lib/client/api";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog } from "./dialog";

/** "Are you sure?" for destructive actions: the confirm button names the action. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      initialFocus="[data-cancel]"
      footer={
        <>
          <Button variant="secondary" onClick={onClose} data-cancel>
            Keep it
          </Button>
          <Button variant="danger" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error ? (
        <Alert tone="danger" role="alert">
          {errorMessage(error)}
        </Alert>
      ) : null}
    </Dialog>
  );
}
