import { APIConnectionError, APIConnectionTimeoutError, APIError } from "cloudflare";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../types";
import { CloudflareProviderError, mapCloudflareError, retryAfterMs, type Operation } from "./errors";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const SECRET_BODY = "upstream said: token=cf_live_SECRET and your request body";

function apiError(status: number, codes: number[], headers: Record<string, string> = {}) {
  const body = {
    success: false,
    errors: codes.map((code) => ({ code, message: SECRET_BODY })),
    messages: [],
    result: null,
  };
  return APIError.generate(status, body, undefined, new Headers(headers));
}

function map(err: unknown, op: Partial<Operation> = {}) {
  const mapped = mapCloudflareError(err, { what: "POST /d1/database", accountId: ACCOUNT, ...op });
  // Nothing Cloudflare said in words may reach an operator-facing field.
  expect(mapped.message).not.toContain("SECRET");
  expect(mapped.remediation ?? "").not.toContain("SECRET");
  return mapped as CloudflareProviderError;
}

describe("mapCloudflareError", () => {
  it("429 is transient cloudflare_rate_limited with the Retry-After in ms", () => {
    const err = map(apiError(429, [971], { "retry-after": "7" }));
    expect(err).toMatchObject({ code: "cloudflare_rate_limited", transient: true, retryAfterMs: 7000, status: 429 });
    expect(err.message).toContain("retry after 7 s");
  });

  it("5xx, timeouts and connection failures are transient cloudflare_unavailable", () => {
    for (const status of [500, 502, 503])
      expect(map(apiError(status, [10001]))).toMatchObject({ code: "cloudflare_unavailable", transient: true, status });
    expect(map(new APIConnectionTimeoutError())).toMatchObject({ code: "cloudflare_unavailable", transient: true });
    expect(map(new APIConnectionError({ message: "fetch failed" }))).toMatchObject({
      code: "cloudflare_unavailable",
      transient: true,
    });
  });

  it("a 403 with code 10000 on a resource names the missing permission and where to add it", () => {
    const err = map(apiError(403, [10000]), { permission: "pages", what: "GET /pages/projects" });
    expect(err).toMatchObject({ code: "cloudflare_missing_permission", transient: false, permission: "pages" });
    expect(err.remediation).toContain("dash.cloudflare.com → My Profile → API Tokens");
    expect(err.remediation).toContain("Account · Cloudflare Pages · Edit");
    expect(err.remediation).toContain(ACCOUNT);
  });

  it("the account refused (9109) or unknown (7003) is cloudflare_account_unreachable", () => {
    expect(map(apiError(403, [9109]), { accountCall: true, permission: "account_settings" }).code).toBe(
      "cloudflare_account_unreachable",
    );
    expect(map(apiError(404, [7003])).code).toBe("cloudflare_account_unreachable");
    // …but a 10000 on the account call is the missing Account Settings permission.
    expect(map(apiError(403, [10000]), { accountCall: true, permission: "account_settings" })).toMatchObject({
      code: "cloudflare_missing_permission",
      permission: "account_settings",
    });
  });

  it("401 and malformed credentials are cloudflare_token_invalid", () => {
    expect(map(apiError(401, [1000])).code).toBe("cloudflare_token_invalid");
    expect(map(apiError(400, [6003, 6111])).code).toBe("cloudflare_token_invalid");
  });

  it("D1's limit (7406) is cloudflare_d1_quota_exhausted; existing names (7502, 8000002) cloudflare_name_taken", () => {
    expect(map(apiError(400, [7406]))).toMatchObject({ code: "cloudflare_d1_quota_exhausted", transient: false });
    expect(map(apiError(400, [7502]))).toMatchObject({ code: "cloudflare_name_taken", transient: false });
    expect(map(apiError(409, [8000002]))).toMatchObject({ code: "cloudflare_name_taken", transient: false });
  });

  it("anything else is a permanent cloudflare_request_rejected carrying only the numeric codes", () => {
    const err = map(apiError(400, [10021]));
    expect(err).toMatchObject({
      code: "cloudflare_request_rejected",
      transient: false,
      status: 400,
      cloudflareCodes: [10021],
    });
    expect(err.message).toContain("10021");
  });

  it("a ProviderError passes through untouched", () => {
    const original = new ProviderError("aborted", "cancelled", { transient: true });
    expect(mapCloudflareError(original, { what: "x", accountId: ACCOUNT })).toBe(original);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds, HTTP dates and retry-after-ms", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({ "retry-after-ms": "150" }))).toBe(150);
    expect(retryAfterMs(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
