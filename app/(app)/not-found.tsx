import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState title="Not found" action={<ButtonLink href="/">Back to onboardings</ButtonLink>}>
      This page does not exist, or it belongs to a workspace you are not a member of.
    </EmptyState>
  );
}
