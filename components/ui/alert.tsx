import type { ReactNode } from "react";
import { CheckCircleIcon, InfoIcon, WarningIcon, XCircleIcon } from "./icons";

type AlertTone = "info" | "success" | "warning" | "danger";

const styles: Record<AlertTone, { box: string; icon: ReactNode }> = {
  info: { box: "border-sky-200 bg-sky-50 text-sky-900", icon: <InfoIcon className="size-5 text-sky-600" /> },
  success: {
    box: "border-emerald-200 bg-emerald-50 text-emerald-900",
    icon: <CheckCircleIcon className="size-5 text-emerald-600" />,
  },
  warning: {
    box: "border-amber-300 bg-amber-50 text-amber-950",
    icon: <WarningIcon className="size-5 text-amber-600" />,
  },
  danger: { box: "border-red-200 bg-red-50 text-red-900", icon: <XCircleIcon className="size-5 text-red-600" /> },
};

/** A message box. `role` defaults to status (polite); errors that block use role="alert". */
export function Alert({
  tone = "info",
  title,
  children,
  actions,
  role,
  className = "",
  testId,
}: {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  role?: "status" | "alert" | "region";
  className?: string;
  testId?: string;
}) {
  const s = styles[tone];
  return (
    <div
      role={role}
      className={`flex gap-3 rounded-lg border px-4 py-3 text-sm ${s.box} ${className}`}
      data-testid={testId}
    >
      <div className="pt-px">{s.icon}</div>
      <div className="min-w-0 flex-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className={title ? "mt-1 space-y-1" : "space-y-1"}>{children}</div> : null}
        {actions ? <div className="mt-3 flex flex-wrap gap-2">{actions}</div> : null}
      </div>
    </div>
  );
}
