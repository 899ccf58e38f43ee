// GET /api/v1/onboarding/slug-availability?slug= — format and availability, for the wizard
import { z } from "zod";
import { apiRoute, json } from "@/lib/api/handler";
import { authorize, selectWorkspace } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { SLUG_HINT, SLUG_PATTERN } from "@/lib/onboarding/constants";

const query = z.object({ slug: z.string().max(200), workspace: z.string().max(100).optional(), excludeId: z.string().max(64).optional() });

export const GET = apiRoute({ query }, async ({ actor, req, query }) => {
  const membership = selectWorkspace(actor, req);
  authorize(actor, membership.workspaceId, "view", "Workspace");
  if (!SLUG_PATTERN.test(query.slug)) return json({ slug: query.slug, valid: false, available: false, message: SLUG_HINT });
  const [session, platform] = await Promise.all([
    db().onboardingSession.findFirst({
      where: { workspaceId: membership.workspaceId, activeSlug: query.slug, ...(query.excludeId ? { id: { not: query.excludeId } } : {}) },
      select: { id: true },
    }),
    db().platform.findFirst({ where: { workspaceId: membership.workspaceId, slug: query.slug, status: { not: "deprovisioned" } }, select: { id: true } }),
  ]);
  const available = !session && !platform;
  return json({ slug: query.slug, valid: true, available, message: available ? "Available" : "Already used in this workspace" });
});
