// Who fixes each Cloudflare Verify Access check, what exactly, and where in the dashboard.
import type { AssistLookup } from "../access-assist";
import type { CheckAssist } from "../types";
import { permissionName, type CloudflarePermission } from "./errors";
import { CHECK_KEYS } from "./verify-access";

export const CLOUDFLARE_TOKENS_URL = "https://dash.cloudflare.com/profile/api-tokens";

export function cloudflareAssist(accountId: string): AssistLookup {
  const tokenOwner = (permission: string): CheckAssist => ({
    owner: "operator",
    ownerLabel: "The owner of the Cloudflare API token (you, if you created it)",
    permission,
    href: CLOUDFLARE_TOKENS_URL,
    linkLabel: "Cloudflare API tokens",
  });
  const accountAdmin = (
    permission: string,
    href = CLOUDFLARE_TOKENS_URL,
    linkLabel = "Cloudflare API tokens",
  ): CheckAssist => ({
    owner: "provider_admin",
    ownerLabel: `An administrator of Cloudflare account ${accountId}`,
    permission,
    href,
    linkLabel,
  });
  const permissionOf: Record<string, CloudflarePermission> = {
    [CHECK_KEYS.permission("d1")]: "d1",
    [CHECK_KEYS.permission("workers_scripts")]: "workers_scripts",
    [CHECK_KEYS.permission("pages")]: "pages",
  };
  return (check) => {
    if (check.key === CHECK_KEYS.token) return tokenOwner("An active API token (not disabled, expired or revoked)");
    if (check.key === CHECK_KEYS.account)
      return accountAdmin(`Token → Account Resources: include account ${accountId}`);
    const permission = permissionOf[check.key];
    if (permission) return accountAdmin(`Token permission "${permissionName(permission)}" on account ${accountId}`);
    if (check.key === CHECK_KEYS.quota) {
      return check.reasonCode === "cloudflare_d1_quota_exhausted"
        ? accountAdmin(
            "Room for one more D1 database (delete unused ones, or the Workers Paid plan)",
            `https://dash.cloudflare.com/${accountId}/workers/d1`,
            "Cloudflare D1 databases",
          )
        : accountAdmin(`Token permission "${permissionName("d1")}" (the quota is read with it)`);
    }
    if (check.key === CHECK_KEYS.names) {
      return check.reasonCode === "cloudflare_name_taken"
        ? accountAdmin(
            "The D1 database, Worker or Pages project using the platform's name",
            `https://dash.cloudflare.com/${accountId}/workers-and-pages`,
            "Cloudflare Workers & Pages",
          )
        : accountAdmin("The missing token permission reported above (the names are checked with it)");
    }
    return null;
  };
}
