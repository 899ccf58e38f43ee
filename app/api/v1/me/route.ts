// GET /api/v1/me — the caller, their workspaces, role and capabilities.
import { apiRoute, json } from "@/lib/api/handler";
import { ROLE_CAPABILITIES } from "@/lib/auth/capabilities";
import { selectWorkspace } from "@/lib/auth/actor";

export const GET = apiRoute({}, async ({ actor, req }) => {
  const current = selectWorkspace(actor, req);
  return json({
    user: { id: actor.userId, email: actor.email },
    via: actor.via,
    workspace: { id: current.workspaceId, slug: current.workspaceSlug, name: current.workspaceName },
    role: current.role,
    capabilities: ROLE_CAPABILITIES[current.role],
    workspaces: actor.memberships.map((m) => ({ id: m.workspaceId, slug: m.workspaceSlug, name: m.workspaceName, role: m.role })),
  });
});
