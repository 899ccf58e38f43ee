// DELETE /api/v1/tokens/:id — revoke a token (204; idempotent)
import { apiRoute, idParams } from "@/lib/api/handler";
import { revokeToken } from "@/lib/settings/revoke-token";

export const DELETE = apiRoute({ params: idParams }, async ({ actor, params }) => {
  await revokeToken(actor, params.id);
  return new Response(null, { status: 204 });
});
