import "server-only";
// Why an invitation can no longer be used, as stable reason codes (409 problem+json).
import { ApiError } from "@/lib/api/errors";
import type { InvitationState } from "./schemas";

const DETAIL: Record<Exclude<InvitationState, "pending">, string> = {
  accepted: "This invitation has already been used. Sign in with the account that accepted it.",
  revoked: "This invitation was revoked. Ask a workspace admin for a new one.",
  expired: "This invitation has expired. Ask a workspace admin for a new one.",
};

const REASON: Record<Exclude<InvitationState, "pending">, string> = {
  accepted: "invitation_used",
  revoked: "invitation_revoked",
  expired: "invitation_expired",
};

export function invitationUnusable(state: Exclude<InvitationState, "pending">): ApiError {
  return new ApiError("illegal_transition", DETAIL[state], { reasonCode: REASON[state], extra: { state } });
}
