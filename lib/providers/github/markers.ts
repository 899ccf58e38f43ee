// How Onramp recognises what it created on GitHub (repositories, deployments) and the names
// it uses there.

/**
 * Marker convention. A repository is Onramp's for a slug when its description starts with
 * `Onramp platform <slug>` (set atomically by the generate call) or it carries the topic
 * `onramp-managed` (added right after). Either suffices, so a crash between the two calls
 * still leaves a repository Onramp recognises and reuses.
 */
export const ONRAMP_TOPIC = "onramp-managed";
export const SECRET_NAME = "ONRAMP_PLATFORM_SLUG";
export const DEPLOYMENT_ENVIRONMENT = "production";

export function repositoryMarker(slug: string): string {
  return `Onramp platform ${slug}`;
}

export function deploymentMarker(slug: string): string {
  return `Onramp first deployment of ${slug}`;
}

export function isOnrampRepository(
  repo: { description?: string | null; topics?: string[] | null },
  slug: string,
): boolean {
  const marker = repositoryMarker(slug);
  const description = repo.description ?? "";
  // The boundary check keeps slug "app" from claiming "Onramp platform app-2".
  const described = description === marker || description.startsWith(`${marker} `);
  return described || (repo.topics ?? []).includes(ONRAMP_TOPIC);
}
