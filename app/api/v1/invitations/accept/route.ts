// POST /api/v1/invitations/accept — accept with the token: signed in as the invited email, or
// creating the account (public; rate limited per IP when anonymous)
import { handle, json } from "@/lib/api/handler";
import * as routes from "@/lib/api/routes";
import { acceptInvitation } from "@/lib/invitations/accept-invitation";

export const POST = handle(routes.acceptInvitation, async ({ actor, body }) =>
  json(routes.acceptInvitation, await acceptInvitation(actor, body)),
);
