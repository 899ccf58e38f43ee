// The `route` label of HTTP metrics: a request path mapped to its route template
// (/api/v1/onboarding/ck…/bootstrap → /api/v1/onboarding/:id/bootstrap), never an id, so the
// label has one value per route. A path that matches no route counts as "unmatched".
// route-label.test.ts checks this table against the route files under app/api.
export const ROUTE_TEMPLATES = [
  "/api/health",
  "/api/v1/connections",
  "/api/v1/connections/:id",
  "/api/v1/insights",
  "/api/v1/invitations",
  "/api/v1/invitations/:id",
  "/api/v1/invitations/accept",
  "/api/v1/invitations/lookup",
  "/api/v1/me",
  "/api/v1/notifications",
  "/api/v1/notifications/read",
  "/api/v1/members",
  "/api/v1/members/:userId",
  "/api/v1/onboarding",
  "/api/v1/onboarding/:id",
  "/api/v1/onboarding/:id/activate",
  "/api/v1/onboarding/:id/audit",
  "/api/v1/onboarding/:id/bootstrap",
  "/api/v1/onboarding/:id/cancel",
  "/api/v1/onboarding/:id/deprovision",
  "/api/v1/onboarding/:id/resources",
  "/api/v1/onboarding/:id/resume",
  "/api/v1/onboarding/:id/runs",
  "/api/v1/onboarding/:id/simulation",
  "/api/v1/onboarding/:id/verify-access",
  "/api/v1/onboarding/:id/verify-access/recheck",
  "/api/v1/onboarding/slug-availability",
  "/api/v1/openapi.json",
  "/api/v1/operation-runs",
  "/api/v1/operation-runs/:id",
  "/api/v1/operation-runs/:id/cancel",
  "/api/v1/platforms",
  "/api/v1/tokens",
  "/api/v1/tokens/:id",
  "/api/v1/webhook-deliveries/:id/redeliver",
  "/api/v1/webhooks",
  "/api/v1/webhooks/:id",
  "/api/v1/webhooks/:id/deliveries",
  "/api/v1/webhooks/:id/test",
] as const;

const split = (path: string) => path.split("/").filter(Boolean);
// Static templates first, so /onboarding/slug-availability never reads as /onboarding/:id.
const COMPILED = ROUTE_TEMPLATES.map((t) => ({ template: t, parts: split(t) })).sort(
  (a, b) => a.parts.filter((p) => p.startsWith(":")).length - b.parts.filter((p) => p.startsWith(":")).length,
);

export function routeLabel(pathname: string): string {
  const parts = split(pathname);
  for (const { template, parts: want } of COMPILED) {
    if (want.length === parts.length && want.every((w, i) => w.startsWith(":") || w === parts[i])) return template;
  }
  return "unmatched";
}
