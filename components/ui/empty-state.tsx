import type { ReactNode } from "react";

export function EmptyState({
  title,
  children,
  action,
  icon,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      {icon ? (
        <div className="flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">{icon}</div>
      ) : null}
      <div>
        <p className="text-base font-semibold text-slate-900">{title}</p>
        {children ? <div className="mt-1 max-w-md text-sm text-slate-600">{children}</div> : null}
      </div>
      {action}
    </div>
  );
}
