// RFC 9457 problem+json bodies. The only place responses for errors are built.
import { ZodError } from "zod";
import { ApiError, type FieldProblem } from "./errors";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { errorFields, log } from "@/lib/log/logger";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function zodFields(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
    code: issue.code,
  }));
}

/** `requestId` tags the log line of an unexpected error and is echoed as X-Request-Id. */
export function problemResponse(err: unknown, instance?: string, requestId?: string): Response {
  const apiError =
    err instanceof ApiError
      ? err
      : err instanceof ZodError
        ? new ApiError("validation_failed", "The request has invalid fields.", { fields: zodFields(err) })
        : isDatabaseUnavailable(err)
          ? new ApiError(
              "service_unavailable",
              "The database is busy or briefly unreachable; nothing was changed. Retry shortly.",
              {
                headers: { "retry-after": "2" },
              },
            )
          : new ApiError("internal_error", "Something went wrong on our side. It has been logged.");
  if (apiError.code === "service_unavailable" && !(err instanceof ApiError)) {
    log.warn({ requestId, instance, reason: err instanceof Error ? err.message : String(err) }, "database unavailable");
  } else if (!(err instanceof ApiError) && !(err instanceof ZodError)) {
    log.error({ requestId, instance, ...errorFields(err) }, "unhandled error");
  }
  const body: Record<string, unknown> = {
    type: `https://onramp.dev/problems/${apiError.code.replace(/_/g, "-")}`,
    title: TITLES[apiError.status] ?? "Error",
    status: apiError.status,
    code: apiError.code,
    detail: apiError.message,
    ...(instance ? { instance } : {}),
    ...(apiError.reasonCode ? { reasonCode: apiError.reasonCode } : {}),
    ...(apiError.fields ? { errors: apiError.fields } : {}),
    ...(apiError.extra ?? {}),
  };
  return new Response(JSON.stringify(body), {
    status: apiError.status,
    headers: {
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      ...(requestId ? { "x-request-id": requestId } : {}),
      ...(apiError.headers ?? {}),
    },
  });
}
