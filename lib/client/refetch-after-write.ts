// After a write, the lists and records it changed are fetched again. React Query's
// invalidateQueries alone is not enough while a first load is still in flight: it cancels a
// running fetch only when the query already has data, otherwise it hands back that fetch's
// answer — read before the write (a token created while the token list was still loading
// stayed missing from it).
import type { QueryClient, QueryKey } from "@tanstack/react-query";

/** Fetch `queryKey` again after a write, never settling for an answer read before it. */
export async function refetchAfterWrite(qc: QueryClient, queryKey: QueryKey): Promise<void> {
  await qc.cancelQueries({ queryKey });
  await qc.invalidateQueries({ queryKey });
}
