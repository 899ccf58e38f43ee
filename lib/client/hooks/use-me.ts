import { useQuery } from "@tanstack/react-query";
import { api, ApiProblem, currentWorkspace, setWorkspace } from "../api";
import { queryKeys } from "../query-keys";
import type { Capability } from "../types";

/** The operator, their workspace, role and capabilities (GET /api/v1/me). */
export function useMe() {
  return useQuery({
    queryKey: queryKeys.me(),
    queryFn: async ({ signal }) => {
      try {
        return await api.me(signal);
      } catch (err) {
        // A remembered workspace this operator no longer belongs to: fall back to the default.
        if (err instanceof ApiProblem && err.status === 404 && currentWorkspace()) {
          setWorkspace(null);
          return api.me(signal);
        }
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

/** `can("activate")`: false while /me is loading, so write actions never flash for viewers. */
export function useCan(): { can: (capability: Capability) => boolean; role: string | null; ready: boolean } {
  const me = useMe();
  const caps = me.data?.capabilities;
  return {
    can: (capability) => !!caps?.includes(capability),
    role: me.data?.role ?? null,
    ready: !!me.data,
  };
}
