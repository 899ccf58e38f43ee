import { useId, type ComponentProps, type ReactNode } from "react";
import { ChevronDownIcon } from "./icons";

export const controlClass =
  "block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 " +
  "placeholder:text-slate-400 focus:outline-2 focus:-outline-offset-1 focus:outline-indigo-600 " +
  "disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 " +
  "aria-invalid:ring-red-400 aria-invalid:focus:outline-red-600";

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  /** Live feedback under the control (e.g. slug availability), announced politely. */
  status?: ReactNode;
  optional?: boolean;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  className?: string;
}

/** Label + control + hint + error, wired with ids so screen readers read them together. */
export function Field({ label, hint, error, status, optional, children, className = "" }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const statusId = `${id}-status`;
  const describedBy =
    [hint ? hintId : null, status !== undefined ? statusId : null, error ? errorId : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {optional ? <span className="ml-1 font-normal text-slate-500">(optional)</span> : null}
      </label>
      <div className="mt-1.5">{children({ id, describedBy, invalid: !!error })}</div>
      {hint ? (
        <p id={hintId} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {status !== undefined ? (
        <div id={statusId} aria-live="polite" className="mt-1.5 min-h-5 text-xs">
          {status}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="mt-1.5 text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Input({ className = "", ...props }: ComponentProps<"input">) {
  return <input className={`${controlClass} h-10 ${className}`} {...props} />;
}

export function Select({ className = "", children, ...props }: ComponentProps<"select">) {
  return (
    <span className="relative block">
      <select className={`${controlClass} h-10 appearance-none pr-9 ${className}`} {...props}>
        {children}
      </select>
      <ChevronDownIcon className="pointer-events-none absolute top-3 right-3 size-4 text-slate-500" />
    </span>
  );
}

export function Textarea({ className = "", ...props }: ComponentProps<"textarea">) {
  return <textarea className={`${controlClass} min-h-20 ${className}`} {...props} />;
}
