import "server-only";
// Cloudflare failures → stable reason codes with a remediation an operator can act on. The
// upstream body never reaches a message (it may echo request data); only Cloudflare's numeric
// error codes do, which are safe and useful when asking Cloudflare support.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "cloudflare";
import { ProviderError } from "../types";

/** The permission groups the provider needs, as "Create Custom Token" names them. */
export type CloudflarePermission = "account_settings" | "d1" | "workers_scripts" | "pages";

export const PERMISSIONS: Record<CloudflarePermission, { label: string; level: "Read" | "Edit"; why: string }> = {
  account_settings: { label: "Account Settings", level: "Read", why: "to confirm the account" },
  d1: { label: "D1", level: "Edit", why: "to create the platform's auth database" },
  workers_scripts: { label: "Workers Scripts", level: "Edit", why: "to deploy the auth Worker and put its secrets" },
  pages: { label: "Cloudflare Pages", level: "Edit", why: "to create the Pages project and its deployments" },
};

export const TOKEN_PAGE = "dash.cloudflare.com → My Profile → API Tokens";

export const CLOUDFLARE_REASON_CODES = [
  "cloudflare_token_invalid",
  "cloudflare_token_inactive",
  "cloudflare_account_unreachable",
  "cloudflare_missing_permission",
  "cloudflare_d1_quota_exhausted",
  "cloudflare_name_taken",
  "cloudflare_rate_limited",
  "cloudflare_unavailable",
  "cloudflare_request_rejected",
  // Operation outcomes rather than HTTP failures:
  "cloudflare_not_ours",
  "cloudflare_deployment_in_progress",
  "cloudflare_deployment_failed",
  // Verify Access warnings: a check that could not run for lack of a permission reported above.
  "cloudflare_quota_unverified",
  "cloudflare_names_unverified",
] as const;
export type CloudflareReasonCode = (typeof CLOUDFLARE_REASON_CODES)[number];

export function permissionName(p: CloudflarePermission): string {
  return `Account · ${PERMISSIONS[p].label} · ${PERMISSIONS[p].level}`;
}

const ALL_PERMISSION_NAMES = (Object.keys(PERMISSIONS) as CloudflarePermission[]).map(permissionName).join(", ");

export const REMEDIATIONS = {
  tokenInvalid: `Create an API token at ${TOKEN_PAGE} → Create Token → Custom token with ${ALL_PERMISSION_NAMES} (Account Resources: include this account), then update the connection in Settings → Connections.`,
  tokenInactive: `The token is disabled, expired or not yet valid. At ${TOKEN_PAGE}, re-enable it or roll it (or create a new one with ${ALL_PERMISSION_NAMES}) and update the connection in Settings → Connections.`,
  accountUnreachable: (accountId: string) =>
    `Check the account id ${accountId} in Settings → Connections (dash.cloudflare.com → the account → Account home → Account ID), and at ${TOKEN_PAGE} make sure the token's Account Resources include that account and it has ${permissionName("account_settings")}.`,
  missingPermission: (p: CloudflarePermission, accountId: string) =>
    `At ${TOKEN_PAGE}, edit the token and add the permission "${permissionName(p)}" (${PERMISSIONS[p].why}) with Account Resources including account ${accountId}, then run Verify Access again.`,
  d1Quota:
    "Delete unused D1 databases (dash.cloudflare.com → Storage & Databases → D1) or move the account to the Workers Paid plan, then resume.",
  nameTaken: (what: string) =>
    `${what} exists in the Cloudflare account but was not created by Onramp for this platform. Rename or delete it in the Cloudflare dashboard if it is unused, or choose another slug.`,
  rateLimited:
    "Cloudflare's API rate limit was reached (it allows about 1,200 requests per 5 minutes per user); Onramp retries after the wait Cloudflare asked for. If it keeps happening, give Onramp a token that other automation does not share.",
  unavailable: "Cloudflare's API did not answer or failed (see www.cloudflarestatus.com); the step is retried.",
  rejected:
    "Cloudflare refused the request; the codes in the message identify the reason in Cloudflare's API documentation. Fix it, then resume.",
} as const;

/** A ProviderError that may name the missing permission, for the Verify Access report. */
export class CloudflareProviderError extends ProviderError {
  readonly permission?: CloudflarePermission;
  readonly cloudflareCodes: number[];
  constructor(
    code: CloudflareReasonCode,
    message: string,
    opts: {
      transient?: boolean;
      status?: number;
      remediation: string;
      retryAfterMs?: number;
      permission?: CloudflarePermission;
      cloudflareCodes?: number[];
    },
  ) {
    super(code, message, opts);
    this.name = "CloudflareProviderError";
    this.permission = opts.permission;
    this.cloudflareCodes = opts.cloudflareCodes ?? [];
  }
}

/** What the failing call was, so a 403 can be attributed to the permission it needed. */
export interface Operation {
  what: string;
  accountId: string;
  permission?: CloudflarePermission;
  /** The call addresses the account itself (GET /accounts/:id, token verify). */
  accountCall?: boolean;
}

const INVALID_TOKEN_CODES = new Set([1000, 1001, 6003, 6111, 9103, 9106, 9107]);
const ACCOUNT_CODES = new Set([7003, 9109]);
const PERMISSION_CODES = new Set([10000, 9109]);
const QUOTA_CODES = new Set([7406]);
const NAME_TAKEN_CODES = new Set([7502, 8000002, 10037]);

/** Retry-After is seconds or an HTTP date; `retry-after-ms` wins when present. */
export function retryAfterMs(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = Number(headers?.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms);
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function codesOf(err: APIError): number[] {
  return (err.errors ?? []).map((e) => Number((e as { code?: unknown }).code)).filter((c) => Number.isFinite(c));
}

function codeText(codes: number[]): string {
  return codes.length ? ` (Cloudflare code${codes.length > 1 ? "s" : ""} ${codes.join(", ")})` : "";
}

export function mapCloudflareError(err: unknown, op: Operation): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIUserAbortError)
    return new ProviderError("aborted", `${op.what} was cancelled.`, { transient: true });
  if (err instanceof APIConnectionTimeoutError) {
    return new CloudflareProviderError("cloudflare_unavailable", `Cloudflare did not answer ${op.what} in time.`, {
      transient: true,
      remediation: REMEDIATIONS.unavailable,
    });
  }
  if (err instanceof APIConnectionError) {
    return new CloudflareProviderError("cloudflare_unavailable", `Could not reach Cloudflare's API for ${op.what}.`, {
      transient: true,
      remediation: `${REMEDIATIONS.unavailable} If it persists, check this server's network access to the API base URL of the connection.`,
    });
  }
  if (!(err instanceof APIError) || err.status === undefined) {
    if (err instanceof Error && err.name === "TimeoutError") {
      return new CloudflareProviderError("cloudflare_unavailable", `Cloudflare did not answer ${op.what} in time.`, {
        transient: true,
        remediation: REMEDIATIONS.unavailable,
      });
    }
    return new CloudflareProviderError("cloudflare_request_rejected", `Unexpected failure during ${op.what}.`, {
      remediation: REMEDIATIONS.rejected,
    });
  }
  const status = err.status;
  const codes = codesOf(err);
  const has = (set: Set<number>) => codes.some((c) => set.has(c));
  const where = `${op.what}${codeText(codes)}`;

  if (status === 429) {
    const wait = retryAfterMs(err.headers);
    const after = wait !== undefined ? `; Cloudflare asked to retry after ${Math.ceil(wait / 1000)} s` : "";
    return new CloudflareProviderError(
      "cloudflare_rate_limited",
      `Cloudflare rate limit reached on ${where}${after}.`,
      {
        transient: true,
        status,
        retryAfterMs: wait,
        remediation: REMEDIATIONS.rateLimited,
        cloudflareCodes: codes,
      },
    );
  }
  if (status >= 500) {
    return new CloudflareProviderError("cloudflare_unavailable", `Cloudflare answered ${status} to ${where}.`, {
      transient: true,
      status,
      remediation: REMEDIATIONS.unavailable,
      cloudflareCodes: codes,
    });
  }
  if (has(QUOTA_CODES)) {
    return new CloudflareProviderError(
      "cloudflare_d1_quota_exhausted",
      `The account has reached its D1 database limit (${where}).`,
      { status, remediation: REMEDIATIONS.d1Quota, cloudflareCodes: codes },
    );
  }
  if (has(NAME_TAKEN_CODES)) {
    return new CloudflareProviderError(
      "cloudflare_name_taken",
      `The name is already used in the Cloudflare account (${where}).`,
      {
        status,
        remediation: REMEDIATIONS.nameTaken("A resource with that name"),
        cloudflareCodes: codes,
      },
    );
  }
  if (status === 401 || (status === 400 && has(INVALID_TOKEN_CODES))) {
    return new CloudflareProviderError(
      "cloudflare_token_invalid",
      `Cloudflare rejected the API token (${status} on ${where}).`,
      { status, remediation: REMEDIATIONS.tokenInvalid, cloudflareCodes: codes },
    );
  }
  const unreachable = () =>
    new CloudflareProviderError(
      "cloudflare_account_unreachable",
      `Account ${op.accountId} is not reachable with this token (${status} on ${where}).`,
      {
        status,
        remediation: REMEDIATIONS.accountUnreachable(op.accountId),
        cloudflareCodes: codes,
      },
    );
  // 9109 / 7003: the account itself is refused or unknown. 10000 on an account the token
  // covers: the permission group of the resource is missing.
  if ((op.accountCall && (status === 404 || has(ACCOUNT_CODES))) || (status === 404 && has(new Set([7003]))))
    return unreachable();
  if (status === 403 && op.permission && (codes.length === 0 || has(PERMISSION_CODES))) {
    return new CloudflareProviderError(
      "cloudflare_missing_permission",
      `The token lacks ${permissionName(op.permission)} (403 on ${where}).`,
      {
        status,
        permission: op.permission,
        remediation: REMEDIATIONS.missingPermission(op.permission, op.accountId),
        cloudflareCodes: codes,
      },
    );
  }
  if (op.accountCall && status === 403) return unreachable();
  return new CloudflareProviderError("cloudflare_request_rejected", `Cloudflare refused ${where} (${status}).`, {
    status,
    remediation: REMEDIATIONS.rejected,
    cloudflareCodes: codes,
  });
}

/** Not found, from Cloudflare's 404s (D1 7404, Workers 10007, Pages 8000007/8000009). */
export function isNotFound(err: unknown): boolean {
  return err instanceof APIError && err.status === 404 && !codesOf(err).includes(7003);
}

export function cloudflareCodes(err: unknown): number[] {
  return err instanceof APIError ? codesOf(err) : [];
}
