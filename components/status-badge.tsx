// The one place where states become colours, icons and words. Every badge in the UI — session
// status and lifecycle, runs, steps, checks, platforms, deliveries — goes through here.
import type { ReactNode } from "react";
import { Badge, type Tone } from "./ui/badge";
import {
  CheckCircleIcon,
  CircleIcon,
  ClockIcon,
  DotIcon,
  LockIcon,
  SlashIcon,
  Spinner,
  WarningIcon,
  XCircleIcon,
} from "./ui/icons";

type Kind = "lifecycle" | "status" | "run" | "step" | "check" | "platform" | "delivery" | "role" | "health";

interface Look {
  label: string;
  tone: Tone;
  icon: ReactNode;
}

const spin = <Spinner className="size-3.5" />;
const ok = <CheckCircleIcon className="size-3.5" />;
const bad = <XCircleIcon className="size-3.5" />;
const warn = <WarningIcon className="size-3.5" />;
const wait = <ClockIcon className="size-3.5" />;
const idle = <CircleIcon className="size-3.5" />;
const off = <SlashIcon className="size-3.5" />;
const dot = <DotIcon className="size-3.5" />;

const LOOKS: Record<Kind, Record<string, Look>> = {
  lifecycle: {
    draft: { label: "Draft", tone: "neutral", icon: idle },
    verifying: { label: "Verifying", tone: "progress", icon: spin },
    action_required: { label: "Action required", tone: "warning", icon: warn },
    ready_for_bootstrap: { label: "Ready for bootstrap", tone: "info", icon: dot },
    bootstrapping: { label: "Bootstrapping", tone: "progress", icon: spin },
    bootstrap_failed: { label: "Bootstrap failed", tone: "danger", icon: bad },
    ready_for_activation: { label: "Ready for activation", tone: "accent", icon: dot },
    active: { label: "Active", tone: "success", icon: ok },
    cancelled: { label: "Cancelled", tone: "muted", icon: off },
  },
  status: {
    pending: { label: "Pending", tone: "neutral", icon: wait },
    in_progress: { label: "In progress", tone: "progress", icon: spin },
    completed: { label: "Completed", tone: "success", icon: ok },
    failed: { label: "Failed", tone: "danger", icon: bad },
    cancelled: { label: "Cancelled", tone: "muted", icon: off },
  },
  run: {
    queued: { label: "Queued", tone: "neutral", icon: wait },
    running: { label: "Running", tone: "progress", icon: spin },
    succeeded: { label: "Succeeded", tone: "success", icon: ok },
    failed: { label: "Failed", tone: "danger", icon: bad },
    cancelled: { label: "Cancelled", tone: "muted", icon: off },
    blocked: { label: "Blocked", tone: "warning", icon: warn },
  },
  step: {
    pending: { label: "Pending", tone: "muted", icon: idle },
    running: { label: "Running", tone: "progress", icon: spin },
    succeeded: { label: "Succeeded", tone: "success", icon: ok },
    failed: { label: "Failed", tone: "danger", icon: bad },
    cancelled: { label: "Cancelled", tone: "muted", icon: off },
    skipped: { label: "Skipped", tone: "muted", icon: off },
  },
  check: {
    pass: { label: "Pass", tone: "success", icon: ok },
    warn: { label: "Warning", tone: "warning", icon: warn },
    fail: { label: "Fail", tone: "danger", icon: bad },
  },
  platform: {
    provisioning: { label: "Provisioning", tone: "progress", icon: wait },
    active: { label: "Active", tone: "success", icon: ok },
    suspended: { label: "Suspended", tone: "warning", icon: warn },
    deprovisioned: { label: "Deprovisioned", tone: "muted", icon: off },
  },
  delivery: {
    pending: { label: "Pending", tone: "neutral", icon: wait },
    succeeded: { label: "Delivered", tone: "success", icon: ok },
    failed: { label: "Failed", tone: "danger", icon: bad },
  },
  health: {
    healthy: { label: "Healthy", tone: "success", icon: dot },
    retrying: { label: "Retrying", tone: "warning", icon: wait },
    stalled: { label: "Stalled", tone: "danger", icon: warn },
  },
  role: {
    owner: { label: "Owner", tone: "accent", icon: <LockIcon className="size-3.5" /> },
    admin: { label: "Admin", tone: "info", icon: dot },
    operator: { label: "Operator", tone: "neutral", icon: dot },
    viewer: { label: "Viewer", tone: "muted", icon: dot },
  },
};

export function statusLook(kind: Kind, value: string | null | undefined): Look {
  const key = value ?? "";
  return LOOKS[kind][key] ?? { label: key ? key.replace(/_/g, " ") : "—", tone: "neutral", icon: idle };
}

export function statusLabel(kind: Kind, value: string | null | undefined): string {
  return statusLook(kind, value).label;
}

/** A run's badge: its outcome once finished, else its status. */
export function runState(run: { status: string; outcome: string | null }): string {
  return run.status === "completed" ? (run.outcome ?? "succeeded") : run.status;
}

export function StatusBadge({
  kind,
  value,
  className,
  testId,
}: {
  kind: Kind;
  value: string | null | undefined;
  className?: string;
  testId?: string;
}) {
  const look = statusLook(kind, value);
  return (
    <Badge tone={look.tone} icon={look.icon} className={className}>
      <span data-testid={testId} data-state={value ?? ""}>
        {look.label}
      </span>
    </Badge>
  );
}

export const LIFECYCLE_OPTIONS = Object.entries(LOOKS.lifecycle).map(([value, look]) => ({ value, label: look.label }));
export const STATUS_OPTIONS = Object.entries(LOOKS.status).map(([value, look]) => ({ value, label: look.label }));
export const PLATFORM_STATUS_OPTIONS = Object.entries(LOOKS.platform).map(([value, look]) => ({
  value,
  label: look.label,
}));
