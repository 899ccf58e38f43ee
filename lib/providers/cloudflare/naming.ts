// How Onramp names what it creates in a Cloudflare account, and how it recognises its own.
//
// Names (slug = the platform's slug, 3–40 chars, so every name fits Cloudflare's limits):
//   D1 database   onramp-<slug>-auth
//   Worker        onramp-<slug>-auth
//   Pages project onramp-<slug>        (served at onramp-<slug>.pages.dev)
//
// Ownership markers — "exists and ours" is success, "exists and not ours" is
// cloudflare_name_taken:
//   D1 database   a table _onramp_owner holding ('platform', <slug>); a database whose id the
//                 ledger recorded is ours too, and so is an EMPTY database of that name (no
//                 tables: a create whose marker write was interrupted; adopting it loses nothing).
//   Worker        the script tag onramp-platform-<slug>, set in the same upload as the code.
//   Pages project the production plain-text variable ONRAMP_PLATFORM=<slug>, set in the create call.

export const OWNER_TABLE = "_onramp_owner";
export const PAGES_MARKER_VAR = "ONRAMP_PLATFORM";
export const MANAGED_TAG = "onramp-managed";
export const DATABASE_BINDING = "DB";

export interface ResourceNames {
  database: string;
  worker: string;
  pagesProject: string;
  workerTag: string;
}

export function resourceNames(slug: string): ResourceNames {
  return {
    database: `onramp-${slug}-auth`,
    worker: `onramp-${slug}-auth`,
    pagesProject: `onramp-${slug}`,
    workerTag: `onramp-platform-${slug}`,
  };
}

export function isOurWorker(tags: readonly string[] | null | undefined, slug: string): boolean {
  return (tags ?? []).includes(resourceNames(slug).workerTag);
}

type EnvVars = Record<string, { type?: string; value?: string } | null | undefined>;

export function isOurPagesProject(
  project: { deployment_configs?: { production?: { env_vars?: EnvVars | null } | null } | null },
  slug: string,
): boolean {
  const marker = project.deployment_configs?.production?.env_vars?.[PAGES_MARKER_VAR];
  return marker?.type !== "secret_text" && marker?.value === slug;
}
