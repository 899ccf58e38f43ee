// An operator who went to fix something in the provider's console (a new tab) comes back to a
// current wizard: the moment this tab is visible or focused again, its onboarding is refetched.
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "../query-keys";

export function useRefreshOnReturn(sessionId: string) {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState === "visible")
        void qc.invalidateQueries({ queryKey: queryKeys.onboardings.detail(sessionId) });
    };
    document.addEventListener("visibilitychange", refresh);
    window.addEventListener("focus", refresh);
    return () => {
      document.removeEventListener("visibilitychange", refresh);
      window.removeEventListener("focus", refresh);
    };
  }, [qc, sessionId]);
}
