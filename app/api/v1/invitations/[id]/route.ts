// DELETE /api/v1/invitations/:id — revoke an invitation (204; idempotent)
import { apiRoute, idParams } from "@/lib/api/handler";
import { revokeInvitation } from "@/lib/invitations/revoke-invitation";

export const DELETE = apiRoute({ params: idParams }, async ({ actor, params }) => {
  await revokeInvitation(actor, params.id);
  return new Response(null, { status: 204 });
});
