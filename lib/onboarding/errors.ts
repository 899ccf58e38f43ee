import { ApiError } from "@/lib/api/errors";
import { Prisma } from "@/lib/generated/prisma/client";

export function isUniqueViolation(err: unknown, target?: string): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== "P2002") return false;
  if (!target) return true;
  const meta = JSON.stringify(err.meta ?? {});
  return meta.includes(target);
}

export const slugTaken = (slug: string) =>
  new ApiError("slug_taken", `The slug "${slug}" is already used by another onboarding or platform in this workspace.`, {
    fields: [{ field: "slug", message: "Already taken in this workspace", code: "slug_taken" }],
    reasonCode: "slug_taken",
  });

export const illegal = (reasonCode: string, detail: string) => new ApiError("illegal_transition", detail, { reasonCode });
