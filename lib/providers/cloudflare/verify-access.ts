// Verify Access on Cloudflare. Permissions are CHECKED by probing, not read from the token:
// an account-scoped API token cannot list its own policies (that needs "API Tokens Read", which
// Onramp should not ask for), but every Cloudflare endpoint enforces the permission group of its
// resource and answers 403 (code 10000 "Authentication error") without it. So each permission
// is proven by the side-effect-free list call of its resource on this account:
//   D1 Edit              GET /accounts/:id/d1/database?per_page=1  (its total_count also gives the quota)
//   Workers Scripts Edit GET /accounts/:id/workers/scripts         (its tags also answer the Worker name check)
//   Cloudflare Pages Edit GET /accounts/:id/pages/projects?per_page=1
// A list proves at least Read; a Read-only grant shows up at the first write as
// cloudflare_missing_permission with the same remediation (Cloudflare has no dry-run writes).
// Transient failures (429, 5xx, timeouts) are thrown so the executor retries the check; every
// permanent one is reported as a failed check and never thrown.
import type { AccessCheck } from "../types";
import type { CloudflareClient } from "./client";
import {
  CloudflareProviderError,
  permissionName,
  PERMISSIONS,
  REMEDIATIONS,
  type CloudflarePermission,
} from "./errors";
import { databaseOwnership, findDatabase, findWorker, type OpContext } from "./auth-resources";
import { getPagesProject } from "./pages-resources";
import { isOurPagesProject, isOurWorker, PAGES_MARKER_VAR, resourceNames } from "./naming";

export const CHECK_KEYS = {
  token: "cloudflare_token",
  account: "cloudflare_account",
  permission: (p: Exclude<CloudflarePermission, "account_settings">) => `cloudflare_permission_${p}`,
  quota: "cloudflare_d1_quota",
  names: "cloudflare_names",
} as const;

const LABELS = {
  token: "Cloudflare API token",
  account: "Cloudflare account",
  quota: "D1 database quota",
  names: "Resource names",
};

function fail(
  key: string,
  label: string,
  err: CloudflareProviderError | { code: string; message: string; remediation?: string },
): AccessCheck {
  return { key, label, status: "fail", reasonCode: err.code, message: err.message, remediation: err.remediation };
}

/** Permanent failures become a report; anything else (transient, defects) propagates. */
function permanent(err: unknown): CloudflareProviderError {
  if (err instanceof CloudflareProviderError && !err.transient) return err;
  throw err;
}

export interface VerifyAccessOptions {
  /** The account's D1 database limit: 10 on the Free plan (the default), 50,000 on Workers Paid. */
  d1DatabaseLimit?: number;
}

export async function verifyCloudflareAccess(
  client: CloudflareClient,
  ctx: OpContext,
  opts: VerifyAccessOptions = {},
): Promise<AccessCheck[]> {
  const accountId = client.accountId;
  const permissionKeys = ["d1", "workers_scripts", "pages"] as const;
  const permissionLabel = (p: CloudflarePermission) => `Permission ${permissionName(p)}`;
  const notChecked = (because: CloudflareProviderError): AccessCheck[] => [
    ...permissionKeys.map((p) =>
      fail(CHECK_KEYS.permission(p), permissionLabel(p), {
        code: because.code,
        message: "Not checked until the problem above is fixed.",
        remediation: because.remediation,
      }),
    ),
    fail(CHECK_KEYS.quota, LABELS.quota, {
      code: because.code,
      message: "Not checked until the problem above is fixed.",
      remediation: because.remediation,
    }),
    fail(CHECK_KEYS.names, LABELS.names, {
      code: because.code,
      message: "Not checked until the problem above is fixed.",
      remediation: because.remediation,
    }),
  ];

  // 1. The token: user-owned tokens verify at /user/tokens/verify, account-owned ones at /accounts/:id/tokens/verify.
  let status: string | undefined;
  try {
    status = (await client.call(ctx, { what: "GET /user/tokens/verify" }, (sdk, o) => sdk.user.tokens.verify(o)))
      .status;
  } catch (err) {
    const refused = permanent(err);
    if (refused.code !== "cloudflare_token_invalid") throw refused;
    try {
      status = (
        await client.call(ctx, { what: `GET /accounts/${accountId}/tokens/verify`, accountCall: true }, (sdk, o) =>
          sdk.accounts.tokens.verify({ account_id: accountId }, o),
        )
      ).status;
    } catch (accountErr) {
      const again = permanent(accountErr);
      const invalid = new CloudflareProviderError(
        "cloudflare_token_invalid",
        "Cloudflare does not recognise the API token (neither as a user token nor as an account token of this account).",
        {
          remediation: REMEDIATIONS.tokenInvalid,
          status: again.status,
        },
      );
      return [
        fail(CHECK_KEYS.token, LABELS.token, invalid),
        fail(CHECK_KEYS.account, LABELS.account, {
          code: invalid.code,
          message: "Not checked until the token is fixed.",
          remediation: invalid.remediation,
        }),
        ...notChecked(invalid),
      ];
    }
  }
  if (status !== "active") {
    const inactive = new CloudflareProviderError(
      "cloudflare_token_inactive",
      `The API token is ${status ?? "not active"}.`,
      { remediation: REMEDIATIONS.tokenInactive },
    );
    return [
      fail(CHECK_KEYS.token, LABELS.token, inactive),
      fail(CHECK_KEYS.account, LABELS.account, {
        code: inactive.code,
        message: "Not checked until the token is active.",
        remediation: inactive.remediation,
      }),
      ...notChecked(inactive),
    ];
  }
  const checks: AccessCheck[] = [
    { key: CHECK_KEYS.token, label: LABELS.token, status: "pass", message: "The API token is valid and active." },
  ];

  // 2. The account.
  try {
    const account = await client.call(
      ctx,
      { what: `GET /accounts/${accountId}`, accountCall: true, permission: "account_settings" },
      (sdk, o) => sdk.accounts.get({ account_id: accountId }, o),
    );
    checks.push({
      key: CHECK_KEYS.account,
      label: LABELS.account,
      status: "pass",
      message: `Account ${account.name ? `"${account.name}" ` : ""}(${accountId}) is reachable.`,
    });
  } catch (err) {
    const refused = permanent(err);
    checks.push(fail(CHECK_KEYS.account, LABELS.account, refused));
    if (refused.code === "cloudflare_account_unreachable") return [...checks, ...notChecked(refused)];
  }

  // 3. One probe per permission; what they return feeds the quota and name checks.
  const granted = new Set<CloudflarePermission>();
  let d1Count: number | undefined;
  const probes: Record<(typeof permissionKeys)[number], () => Promise<unknown>> = {
    d1: () =>
      client.call(ctx, { what: "GET /d1/database", permission: "d1" }, async (sdk, o) => {
        const page = await sdk.d1.database.list({ account_id: accountId, per_page: 1 }, o);
        const info = (page as unknown as { result_info?: { total_count?: number } }).result_info;
        d1Count = info?.total_count ?? page.result.length;
      }),
    workers_scripts: () =>
      client.call(ctx, { what: "GET /workers/scripts", permission: "workers_scripts" }, (sdk, o) =>
        sdk.workers.scripts.list({ account_id: accountId }, o),
      ),
    pages: () =>
      client.call(ctx, { what: "GET /pages/projects", permission: "pages" }, (sdk, o) =>
        sdk.pages.projects.list({ account_id: accountId, per_page: 1 }, o),
      ),
  };
  for (const p of permissionKeys) {
    try {
      await probes[p]();
      granted.add(p);
      checks.push({
        key: CHECK_KEYS.permission(p),
        label: permissionLabel(p),
        status: "pass",
        message: `The token may use ${PERMISSIONS[p].label} on this account (${PERMISSIONS[p].why}).`,
      });
    } catch (err) {
      checks.push(fail(CHECK_KEYS.permission(p), permissionLabel(p), permanent(err)));
    }
  }

  const names = resourceNames(ctx.platformSlug);
  const ourDatabase = granted.has("d1") ? await findDatabase(client, ctx, names.database) : null;

  // 4. Quota: only a database still to be created needs room.
  const limit = opts.d1DatabaseLimit ?? 10;
  if (!granted.has("d1")) {
    checks.push({
      key: CHECK_KEYS.quota,
      label: LABELS.quota,
      status: "warn",
      reasonCode: "cloudflare_quota_unverified",
      message: `Not checked without ${permissionName("d1")}.`,
      remediation: REMEDIATIONS.missingPermission("d1", accountId),
    });
  } else if (ourDatabase) {
    checks.push({
      key: CHECK_KEYS.quota,
      label: LABELS.quota,
      status: "pass",
      message: `${names.database} already exists; no new database is needed.`,
    });
  } else if (d1Count !== undefined && d1Count >= limit) {
    checks.push(
      fail(CHECK_KEYS.quota, LABELS.quota, {
        code: "cloudflare_d1_quota_exhausted",
        message: `The account has ${d1Count} D1 databases of its ${limit} allowed; the platform needs one more.`,
        remediation: REMEDIATIONS.d1Quota,
      }),
    );
  } else {
    checks.push({
      key: CHECK_KEYS.quota,
      label: LABELS.quota,
      status: "pass",
      message: `${d1Count ?? "Some"} of ${limit} D1 databases used; room for the platform's.`,
    });
  }

  // 5. Names: free, or already Onramp's for this slug.
  const taken: string[] = [];
  const reused: string[] = [];
  const unchecked: string[] = [];
  if (!granted.has("d1")) unchecked.push(`D1 database ${names.database}`);
  else if (ourDatabase)
    ((await databaseOwnership(client, ctx, ourDatabase.uuid)) === "foreign" ? taken : reused).push(
      `D1 database ${names.database}`,
    );
  if (!granted.has("workers_scripts")) unchecked.push(`Worker ${names.worker}`);
  else {
    const worker = await findWorker(client, ctx, names.worker);
    if (worker) (isOurWorker(worker.tags, ctx.platformSlug) ? reused : taken).push(`Worker ${names.worker}`);
  }
  if (!granted.has("pages")) unchecked.push(`Pages project ${names.pagesProject}`);
  else {
    const project = await getPagesProject(client, ctx, names.pagesProject);
    if (project)
      (isOurPagesProject(project, ctx.platformSlug) ? reused : taken).push(`Pages project ${names.pagesProject}`);
  }
  if (taken.length) {
    checks.push(
      fail(CHECK_KEYS.names, LABELS.names, {
        code: "cloudflare_name_taken",
        message: `Already used in the account by something Onramp did not create for ${ctx.platformSlug}: ${taken.join(", ")}.`,
        remediation: `${REMEDIATIONS.nameTaken(taken.join(", "))} (Onramp recognises its own by the table _onramp_owner, the Worker tag ${names.workerTag} and the Pages variable ${PAGES_MARKER_VAR}.)`,
      }),
    );
  } else if (unchecked.length) {
    checks.push({
      key: CHECK_KEYS.names,
      label: LABELS.names,
      status: "warn",
      reasonCode: "cloudflare_names_unverified",
      message: `Not checked without the missing permission: ${unchecked.join(", ")}.`,
      remediation: "Fix the failed permission check above; the names are checked with it.",
    });
  } else {
    const note = reused.length ? ` Already Onramp's for ${ctx.platformSlug} and reused: ${reused.join(", ")}.` : "";
    checks.push({
      key: CHECK_KEYS.names,
      label: LABELS.names,
      status: "pass",
      message: `${names.database} (D1), ${names.worker} (Worker) and ${names.pagesProject} (Pages) are available.${note}`,
    });
  }
  return checks;
}
