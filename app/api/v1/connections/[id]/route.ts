// PATCH /api/v1/connections/:id — rename, change settings, replace or remove the credential
// DELETE /api/v1/connections/:id — delete (204; 409 while an onboarding using it has an active run)
import { handle, json, noContent } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { updateConnection } from "@/lib/settings/update-connection";
import { deleteConnection } from "@/lib/settings/delete-connection";

export const PATCH = handle(routes.updateConnection, async ({ actor, params, body }) =>
  json(routes.updateConnection, await updateConnection(actor, params.id, body)),
);

export const DELETE = handle(routes.deleteConnection, async ({ actor, params }) => {
  await deleteConnection(actor, params.id);
  return noContent(routes.deleteConnection, 204);
});
