import { ApiError } from "@/lib/api/errors";

export const slugTaken = (slug: string) =>
  new ApiError(
    "slug_taken",
    `The slug "${slug}" is already used by another onboarding or platform in this workspace.`,
    {
      fields: [{ field: "slug", message: "Already taken in this workspace", code: "slug_taken" }],
      reasonCode: "slug_taken",
    },
  );

export const illegal = (reasonCode: string, detail: string) =>
  new ApiError("illegal_transition", detail, { reasonCode });
