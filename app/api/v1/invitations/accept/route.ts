// POST /api/v1/invitations/accept — accept with the token: signed in as the invited email, or
// creating the account (public; rate limited per IP when anonymous)
import { apiRoute, json } from "@/lib/api/handler";
import { acceptInvitationSchema } from "@/lib/invitations/schemas";
import { acceptInvitation } from "@/lib/invitations/accept-invitation";

export const POST = apiRoute({ auth: "optional", body: acceptInvitationSchema }, async ({ actor, body }) =>
  json(await acceptInvitation(actor, body)),
);
