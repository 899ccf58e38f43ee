import type { ReactNode } from "react";

export type Tone = "neutral" | "info" | "progress" | "success" | "warning" | "danger" | "muted" | "accent";

const tones: Record<Tone, string> = {
  neutral: "bg-slate-100 text-slate-700 ring-slate-300/70",
  info: "bg-sky-50 text-sky-800 ring-sky-300/70",
  progress: "bg-indigo-50 text-indigo-700 ring-indigo-300/70",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-300/70",
  warning: "bg-amber-50 text-amber-800 ring-amber-300/80",
  danger: "bg-red-50 text-red-700 ring-red-300/70",
  muted: "bg-white text-slate-500 ring-slate-200",
  accent: "bg-violet-50 text-violet-800 ring-violet-300/70",
};

export function Badge({
  tone = "neutral",
  icon,
  children,
  className = "",
}: {
  tone?: Tone;
  icon?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={`inline-flex h-6 items-center gap-1 rounded-full px-2 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tones[tone]} ${className}`}
    >
      {icon}
      {children}
    </span>
  );
}
