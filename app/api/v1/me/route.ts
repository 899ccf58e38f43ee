// GET /api/v1/me — the caller, their workspaces, role and capabilities.
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { ROLE_CAPABILITIES } from "@/lib/auth/capabilities";

export const GET = handle(routes.getMe, async ({ actor, workspace }) =>
  json(routes.getMe, {
    user: { id: actor.userId, email: actor.email },
    via: actor.via,
    workspace: { id: workspace.workspaceId, slug: workspace.workspaceSlug, name: workspace.workspaceName },
    role: workspace.role,
    capabilities: [...ROLE_CAPABILITIES[workspace.role]],
    workspaces: actor.memberships.map((m) => ({
      id: m.workspaceId,
      slug: m.workspaceSlug,
      name: m.workspaceName,
      role: m.role,
    })),
  }),
);
