// Queued-intent feedback ("Verification queued — you can leave this page"): a tiny store the
// Toaster (components/ui/toaster.tsx) renders. Callable from anywhere in the browser, no context.
export interface ToastInput {
  message: string;
  /** A link in the toast, e.g. to the run. */
  href?: string;
  linkLabel?: string;
  tone?: "info" | "success" | "error";
  /** Milliseconds before it goes by itself; paused while hovered or focused. */
  durationMs?: number;
}

export interface Toast extends Required<Pick<ToastInput, "message" | "tone" | "durationMs">> {
  id: number;
  href?: string;
  linkLabel?: string;
}

type Listener = (toasts: readonly Toast[]) => void;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const MAX_VISIBLE = 4;

function emit() {
  for (const l of listeners) l(toasts);
}

export function toast(input: ToastInput): number {
  const id = nextId++;
  toasts = [
    ...toasts,
    {
      id,
      message: input.message,
      href: input.href,
      linkLabel: input.linkLabel,
      tone: input.tone ?? "info",
      durationMs: input.durationMs ?? 8000,
    },
  ].slice(-MAX_VISIBLE);
  emit();
  return id;
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const getToasts = (): readonly Toast[] => toasts;
const EMPTY: readonly Toast[] = [];
export const getServerToasts = (): readonly Toast[] => EMPTY;

const QUEUED: Record<string, string> = {
  verify_access: "Verification queued",
  bootstrap: "Bootstrap queued",
  deprovision: "Deprovisioning queued",
  recheck_access: "Re-check queued",
};

/** The toast for a started run (a deduplicated start says the run was already going). */
export function runQueuedToast(run: { id: string; kind: string; attempt?: number }, deduplicated: boolean): ToastInput {
  const what =
    run.kind === "bootstrap" && (run.attempt ?? 1) > 1 ? "Bootstrap resumed" : (QUEUED[run.kind] ?? "Run queued");
  return {
    message: deduplicated
      ? `${what.replace(/ (queued|resumed)$/, "")} is already running — you can leave this page`
      : `${what} — you can leave this page`,
    href: `/runs/${run.id}`,
    linkLabel: "View run",
  };
}
