import "server-only";
// Small pieces every settings use case shares.
import { ApiError, type FieldProblem } from "@/lib/api/errors";

export { auditActor } from "@/lib/auth/actor";

/** A 409 for a write the current state does not allow; `reasonCode` says which rule. */
export const conflict = (
  reasonCode: string,
  detail: string,
  opts: { fields?: FieldProblem[]; extra?: Record<string, unknown> } = {},
) => new ApiError("illegal_transition", detail, { reasonCode, ...opts });
