"use client";

import { useRefreshOnReturn } from "@/lib/client/hooks/use-refresh-on-return";

/** Every wizard step: back from the provider's console (another tab), the onboarding is refetched at once. */
export function RefreshOnReturn({ id }: { id: string }) {
  useRefreshOnReturn(id);
  return null;
}
