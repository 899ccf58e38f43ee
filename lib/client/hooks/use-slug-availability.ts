import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { SLUG_HINT, SLUG_PATTERN } from "@/lib/onboarding/constants";
import { api } from "../api";
import { queryKeys } from "../query-keys";
import { useDebouncedValue } from "./use-debounced-value";

export type SlugCheck =
  | { state: "empty" }
  | { state: "invalid"; message: string }
  | { state: "checking" }
  | { state: "available"; message: string }
  | { state: "taken"; message: string }
  | { state: "unchanged" }
  | { state: "error"; message: string };

/** Format checked at once, availability asked of the server 350 ms after typing stops. */
export function useSlugAvailability(
  slug: string,
  opts: { excludeId?: string; unchangedFrom?: string; enabled?: boolean } = {},
): SlugCheck {
  const debounced = useDebouncedValue(slug, 350);
  const valid = SLUG_PATTERN.test(slug);
  const unchanged = opts.unchangedFrom !== undefined && slug === opts.unchangedFrom;
  const query = useQuery({
    queryKey: queryKeys.onboardings.slug(debounced, opts.excludeId),
    queryFn: ({ signal }) => api.slugAvailability(debounced, opts.excludeId, signal),
    enabled: (opts.enabled ?? true) && SLUG_PATTERN.test(debounced) && !unchanged,
    staleTime: 5_000,
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (!slug) return { state: "empty" };
  if (!valid) return { state: "invalid", message: SLUG_HINT };
  if (unchanged) return { state: "unchanged" };
  if (debounced !== slug || query.isFetching || !query.data || query.data.slug !== slug) {
    if (query.isError && debounced === slug)
      return { state: "error", message: "Could not check availability right now." };
    return { state: "checking" };
  }
  return query.data.available
    ? { state: "available", message: query.data.message }
    : { state: "taken", message: query.data.message };
}
