// The wizard's placeholder while the onboarding loads.
import { WIZARD_STEPS } from "@/lib/client/wizard-steps";
import { Skeleton } from "../ui/skeleton";

export function ShellSkeleton() {
  return (
    <div role="status" aria-live="polite" className="space-y-5">
      <span className="sr-only">Loading the onboarding…</span>
      <div className="space-y-2">
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-5 w-80" />
      </div>
      <div className="grid grid-cols-5 gap-2">
        {WIZARD_STEPS.map((s) => (
          <Skeleton key={s.key} className="h-14" />
        ))}
      </div>
      <Skeleton className="h-80 rounded-xl" />
    </div>
  );
}
