// DELETE /api/v1/invitations/:id — revoke an invitation (204; idempotent)
import { handle, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { revokeInvitation } from "@/lib/invitations/revoke-invitation";

export const DELETE = handle(routes.revokeInvitation, async ({ actor, params }) => {
  await revokeInvitation(actor, params.id);
  return noContent(routes.revokeInvitation, 204);
});
