// PATCH /api/v1/connections/:id — rename, change settings, replace or remove the credential
// DELETE /api/v1/connections/:id — delete (204; 409 while an onboarding using it has an active run)
import { apiRoute, idParams, json } from "@/lib/api/handler";
import { updateConnectionSchema } from "@/lib/settings/schemas";
import { updateConnection } from "@/lib/settings/update-connection";
import { deleteConnection } from "@/lib/settings/delete-connection";

export const PATCH = apiRoute({ params: idParams, body: updateConnectionSchema }, async ({ actor, params, body }) => {
  return json(await updateConnection(actor, params.id, body));
});

export const DELETE = apiRoute({ params: idParams }, async ({ actor, params }) => {
  await deleteConnection(actor, params.id);
  return new Response(null, { status: 204 });
});
