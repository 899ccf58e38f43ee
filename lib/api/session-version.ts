import { ApiError } from "@/lib/api/errors";
import type { VersionSource } from "@/lib/onboarding/mutate-session";

/**
 * Every write states the version it was based on: `version` in the body (stale → 409) or
 * `If-Match` (stale → 412). Neither → 428.
 */
export function requireVersion(
  req: Request,
  bodyVersion: number | undefined,
): { version: number; source: VersionSource } {
  if (bodyVersion !== undefined) return { version: bodyVersion, source: "body" };
  const header = req.headers.get("if-match");
  if (header) {
    // The ETag of a GET is "<version>[.<progress>]-<role>"; the version is what a write is based
    // on (run progress is not something a write can conflict with).
    const match = /^\s*(?:W\/)?"?(\d{1,9})(?:\.\d{1,9})?(?:-[a-z]+)?"?\s*$/.exec(header);
    if (!match) throw new ApiError("bad_request", 'If-Match must be the ETag from a GET, e.g. "3".');
    return { version: Number(match[1]), source: "if-match" };
  }
  throw new ApiError(
    "precondition_required",
    "State the version this change is based on: `version` in the body or an If-Match header with the ETag.",
  );
}
