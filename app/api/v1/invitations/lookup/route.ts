// GET /api/v1/invitations/lookup?token= — what an invitation link offers (public: the token is the credential)
import { apiRoute, json } from "@/lib/api/handler";
import { lookupInvitationQuery } from "@/lib/invitations/schemas";
import { lookupInvitation } from "@/lib/invitations/lookup-invitation";

export const GET = apiRoute({ auth: "optional", query: lookupInvitationQuery }, async ({ query }) => json(await lookupInvitation(query.token)));
