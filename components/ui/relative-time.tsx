"use client";

import { useNow } from "@/lib/client/hooks/use-now";
import { formatDate, relativePastTime } from "@/lib/client/format";

/** When a past event happened ("3 minutes ago"), ageing on its own; the exact time is in the title and dateTime. */
export function RelativeTime({ iso, className }: { iso: string | null | undefined; className?: string }) {
  const now = useNow();
  if (!iso) return <span className={className}>—</span>;
  return (
    <time dateTime={iso} title={formatDate(iso)} className={className} suppressHydrationWarning>
      {now ? relativePastTime(iso, now) : formatDate(iso)}
    </time>
  );
}
