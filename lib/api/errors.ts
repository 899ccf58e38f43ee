// Typed API errors. Every error a handler throws carries a stable `code`; one table maps codes
// to HTTP statuses; anything else becomes a generic 500 that hides its message.

export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  version_conflict: 409,
  slug_taken: 409,
  idempotency_key_reused: 409,
  illegal_transition: 409,
  run_active: 409,
  access_recheck_failed: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  precondition_required: 428,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldProblem {
  /** Dotted path of the failing field, e.g. "slug" or "steps.2.status". */
  field: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: FieldProblem[];
  /** Extra members for the problem body (e.g. the current version on a conflict). */
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** A finer machine reason, e.g. "step_failed:setup_repo" or "illegal_status_transition". */
  readonly reasonCode?: string;

  constructor(
    code: ErrorCode,
    detail: string,
    opts: {
      fields?: FieldProblem[];
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      reasonCode?: string;
    } = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = opts.fields;
    this.extra = opts.extra;
    this.headers = opts.headers;
    this.reasonCode = opts.reasonCode;
  }
}

export const notFound = (what = "Resource") => new ApiError("not_found", `${what} not found.`);
