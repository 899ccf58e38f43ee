import { Button } from "./button";

/** The next page of a cursor-paginated list (a React Query infinite query); nothing when there is none. */
export function LoadMoreButton({
  query,
  size,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  size?: "sm" | "md";
}) {
  if (!query.hasNextPage) return null;
  return (
    <Button
      size={size}
      variant="secondary"
      loading={query.isFetchingNextPage}
      onClick={() => void query.fetchNextPage()}
    >
      Load more
    </Button>
  );
}
