import "server-only";
// Is a slug well-formed and free in the workspace (no open onboarding, no live platform has it)?
import { db } from "@/lib/db/client";
import { SLUG_HINT, SLUG_PATTERN } from "./constants";

export async function slugAvailability(workspaceId: string, slug: string, excludeId?: string) {
  if (!SLUG_PATTERN.test(slug)) return { slug, valid: false, available: false, message: SLUG_HINT };
  const [session, platform] = await Promise.all([
    db().onboardingSession.findFirst({
      where: { workspaceId, activeSlug: slug, ...(excludeId ? { id: { not: excludeId } } : {}) },
      select: { id: true },
    }),
    db().platform.findFirst({ where: { workspaceId, slug, status: { not: "deprovisioned" } }, select: { id: true } }),
  ]);
  const available = !session && !platform;
  return { slug, valid: true, available, message: available ? "Available" : "Already used in this workspace" };
}
