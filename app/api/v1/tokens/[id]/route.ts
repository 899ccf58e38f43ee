// DELETE /api/v1/tokens/:id — revoke a token (204; idempotent)
import { handle, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { revokeToken } from "@/lib/settings/revoke-token";

export const DELETE = handle(routes.revokeToken, async ({ actor, params }) => {
  await revokeToken(actor, params.id);
  return noContent(routes.revokeToken, 204);
});
