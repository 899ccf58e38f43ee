// Request and response schemas of the invitations API; the same zod schemas validate requests
// and are registered in openapi.json.
import { z } from "zod";
import { ROLES } from "@/lib/auth/capabilities";

const iso = z.iso.datetime();

export const INVITATION_STATES = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

export const MIN_PASSWORD_LENGTH = 12;

/** 32 random bytes in base64url are 43 characters; anything else is not one of ours. */
const invitationToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "Not an invitation token")
  .meta({ description: "The token from the invitation link", writeOnly: true });

export const createInvitationSchema = z
  .strictObject({
    email: z
      .email("An email address")
      .max(320)
      .transform((e) => e.toLowerCase()),
    role: z.enum(ROLES).meta({ description: "Role the person gets on accepting; only owners invite owners" }),
  })
  .meta({ id: "CreateInvitation" });
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

export const acceptInvitationSchema = z
  .strictObject({
    token: invitationToken,
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
      .max(1024, "At most 1024 characters")
      .optional()
      .meta({
        description: "Only when no account exists for the invited email: the new account's password",
        writeOnly: true,
      }),
    name: z
      .string()
      .trim()
      .min(1, "Required")
      .max(100, "At most 100 characters")
      .optional()
      .meta({ description: "The new account's name" }),
  })
  .meta({ id: "AcceptInvitation" });
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;

export const lookupInvitationQuery = z.strictObject({ token: invitationToken });

export const invitationResponse = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    state: z.enum(INVITATION_STATES),
    invitedByEmail: z.string().nullable(),
    createdAt: iso,
    expiresAt: iso,
    acceptedAt: iso.nullable(),
    revokedAt: iso.nullable(),
  })
  .meta({ id: "Invitation" });

export const invitationCreatedResponse = z
  .object({
    invitation: invitationResponse,
    inviteUrl: z.string().meta({ description: "The link to send the person; shown this once, never again" }),
    emailed: z
      .boolean()
      .meta({ description: "Whether the link was also sent by email (SMTP_URL configured and accepted)" }),
  })
  .meta({ id: "InvitationCreated" });

export const invitationLookupResponse = z
  .object({
    workspaceName: z.string(),
    role: z.enum(ROLES),
    email: z.string(),
    state: z.enum(INVITATION_STATES),
    expiresAt: iso,
    accountExists: z
      .boolean()
      .meta({ description: "An account exists for the invited email: sign in with it, then accept" }),
  })
  .meta({ id: "InvitationLookup" });

export const invitationAcceptedResponse = z
  .object({
    workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    role: z.enum(ROLES),
    email: z.string(),
    accountCreated: z.boolean().meta({ description: "A new account was created: sign in with its email and password" }),
  })
  .meta({ id: "InvitationAccepted" });

export const invitationListResponse = z.object({ items: z.array(invitationResponse) }).meta({ id: "InvitationList" });
