// GET /api/v1/invitations/lookup?token= — what an invitation link offers (public: the token is the credential)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { lookupInvitation } from "@/lib/invitations/lookup-invitation";

export const GET = handle(routes.lookupInvitation, async ({ query }) =>
  json(routes.lookupInvitation, await lookupInvitation(query.token)),
);
