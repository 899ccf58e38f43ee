// The caller, the workspace's people (members, invitations) and its platforms.
import { defineRoute, idParams } from "@/lib/api/define-route";
import { meResponse } from "@/lib/auth/schemas";
import {
  listPlatformsQuery,
  memberListResponse,
  memberResponse,
  platformPageResponse,
  updateMemberSchema,
  userIdParams,
} from "@/lib/settings/schemas";
import {
  acceptInvitationSchema,
  createInvitationSchema,
  invitationAcceptedResponse,
  invitationCreatedResponse,
  invitationListResponse,
  invitationLookupResponse,
  lookupInvitationQuery,
} from "@/lib/invitations/schemas";

export const getMe = defineRoute({
  method: "GET",
  path: "/api/v1/me",
  tag: "Workspace",
  summary: "The caller, the workspace this request acts in, their role and capabilities, and all their workspaces",
  access: { capability: "view", scope: "workspace" },
  responses: { 200: meResponse },
});

export const listMembers = defineRoute({
  method: "GET",
  path: "/api/v1/members",
  tag: "Members",
  summary: "Members and roles (people join by invitation: /api/v1/invitations)",
  access: { capability: "view", scope: "workspace" },
  responses: { 200: memberListResponse },
});

export const changeMemberRole = defineRoute({
  method: "PATCH",
  path: "/api/v1/members/{userId}",
  tag: "Members",
  summary: "Change a member's role (the last owner stays owner)",
  access: { capability: "members", scope: "workspace" },
  params: userIdParams,
  body: updateMemberSchema,
  responses: { 200: memberResponse },
  errors: [409, 422],
});

export const removeMember = defineRoute({
  method: "DELETE",
  path: "/api/v1/members/{userId}",
  tag: "Members",
  summary: "Remove a member (and revoke their tokens here)",
  access: { capability: "members", scope: "workspace" },
  params: userIdParams,
  responses: { 204: null },
  errors: [409],
});

export const listInvitations = defineRoute({
  method: "GET",
  path: "/api/v1/invitations",
  tag: "Members",
  summary: "Pending invitations, and those accepted, revoked or expired in the last 30 days",
  access: { capability: "members", scope: "workspace" },
  responses: { 200: invitationListResponse },
});

export const createInvitation = defineRoute({
  method: "POST",
  path: "/api/v1/invitations",
  tag: "Members",
  summary: "Invite an email with a role; the link is in this response only (and mailed when SMTP is configured)",
  access: { capability: "members", scope: "workspace" },
  body: createInvitationSchema,
  responses: { 201: invitationCreatedResponse },
  errors: [409, 422, 429],
});

export const revokeInvitation = defineRoute({
  method: "DELETE",
  path: "/api/v1/invitations/{id}",
  tag: "Members",
  summary: "Revoke an invitation (idempotent)",
  access: { capability: "members", scope: "record", record: "invitation" },
  params: idParams,
  responses: { 204: null },
  errors: [409],
});

export const lookupInvitation = defineRoute({
  method: "GET",
  path: "/api/v1/invitations/lookup",
  tag: "Members",
  summary: "What an invitation link offers (no authentication: the token is the credential)",
  access: { auth: "optional" },
  query: lookupInvitationQuery,
  responses: { 200: invitationLookupResponse },
  errors: [422],
});

export const acceptInvitation = defineRoute({
  method: "POST",
  path: "/api/v1/invitations/accept",
  tag: "Members",
  summary: "Accept an invitation: signed in as the invited email, or creating the account with a password",
  description:
    "Refusals carry a reasonCode: invitation_expired, invitation_revoked, invitation_used (409), invitation_email_mismatch (403: signed in as someone else), sign_in_required (401: an account exists — sign in, then accept), already_member (409). Anonymous calls are rate limited per IP.",
  access: { auth: "optional" },
  body: acceptInvitationSchema,
  responses: { 200: invitationAcceptedResponse },
  errors: [409, 422, 429],
});

export const listPlatforms = defineRoute({
  method: "GET",
  path: "/api/v1/platforms",
  tag: "Platforms",
  summary: "Platforms created by onboarding, newest first (?status=, cursor pagination)",
  access: { capability: "view", scope: "workspace" },
  query: listPlatformsQuery,
  responses: { 200: platformPageResponse },
  errors: [422],
});
