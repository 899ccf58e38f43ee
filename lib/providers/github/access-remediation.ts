// Who fixes each GitHub Verify Access check, what exactly, and where on GitHub. Keyed by the
// check's reason code first (the same check fails for different reasons), then by its key.
import { OWNER_LABEL, type AssistLookup } from "../access-assist";
import type { CheckAssist } from "../types";

export interface GitHubAssistConfig {
  org: string;
  templateOwner: string;
  templateRepo: string;
  /** The API root of GitHub Enterprise Server (https://HOST/api/v3); absent for github.com. */
  baseUrl?: string;
}

/** The web host for an API root: api.github.com → github.com, https://HOST/api/v3 → https://HOST. */
export function githubWebUrl(baseUrl: string | undefined): string {
  if (!baseUrl) return "https://github.com";
  try {
    const url = new URL(baseUrl);
    if (url.hostname === "api.github.com") return "https://github.com";
    return url.origin;
  } catch {
    return "https://github.com";
  }
}

export function githubAssist(config: GitHubAssistConfig): AssistLookup {
  const web = githubWebUrl(config.baseUrl);
  const template = `${config.templateOwner}/${config.templateRepo}`;
  const tokenPage = { href: `${web}/settings/tokens`, linkLabel: "GitHub token settings" };
  const operator = (permission: string, link = tokenPage): CheckAssist => ({
    owner: "operator",
    ownerLabel: "The owner of the GitHub token (you, if you created it)",
    permission,
    ...link,
  });
  const orgOwner = (permission: string, href: string, linkLabel: string): CheckAssist => ({
    owner: "provider_admin",
    ownerLabel: `An owner of the ${config.org} organization on GitHub`,
    permission,
    href,
    linkLabel,
  });
  const byReason: Record<string, CheckAssist> = {
    github_token_invalid: operator("A valid personal access token (classic scopes repo and workflow)"),
    github_token_unsupported: operator("A personal access token (GitHub App installation tokens are not supported)"),
    github_api_not_found: {
      owner: "workspace_admin",
      ownerLabel: OWNER_LABEL.workspace_admin,
      permission: "The connection's GitHub API URL (GitHub Enterprise Server: https://HOST/api/v3)",
      href: "/settings/connections",
      linkLabel: "Settings → Connections",
    },
    github_token_missing_scope: operator("Token scopes repo and workflow"),
    github_token_public_repo_only: operator("Token scope repo (instead of public_repo)"),
    github_scopes_unverifiable: operator(
      "Fine-grained token: Administration, Contents, Workflows, Secrets and Deployments (read and write), Metadata (read)",
      { href: `${web}/settings/personal-access-tokens`, linkLabel: "GitHub fine-grained token settings" },
    ),
    github_check_skipped: operator("A valid token first (this check runs once the token works)"),
    github_org_not_member: orgOwner(
      `Membership of the token's user in ${config.org}`,
      `${web}/orgs/${config.org}/people`,
      `${config.org} people`,
    ),
    github_org_membership_pending: operator(`Accept the invitation to ${config.org}`, {
      href: `${web}/orgs/${config.org}/invitation`,
      linkLabel: `${config.org} invitation`,
    }),
    github_cannot_create_repo: orgOwner(
      'Member privileges → Repository creation: "Private" allowed for members (or make the user an owner)',
      `${web}/organizations/${config.org}/settings/member_privileges`,
      `${config.org} member privileges`,
    ),
    github_repo_permission_unverifiable: orgOwner(
      'Member privileges → Repository creation: "Private" allowed for members',
      `${web}/organizations/${config.org}/settings/member_privileges`,
      `${config.org} member privileges`,
    ),
    github_template_not_found: {
      owner: "provider_admin",
      ownerLabel: `An admin of ${template}`,
      permission: `Read access to ${template} for the token's user`,
      href: `${web}/${template}/settings/access`,
      linkLabel: `${template} collaborators and teams`,
    },
    github_template_not_template: {
      owner: "provider_admin",
      ownerLabel: `An admin of ${template}`,
      permission: 'Settings → General → "Template repository"',
      href: `${web}/${template}/settings`,
      linkLabel: `${template} settings`,
    },
    slug_taken: orgOwner(
      `The repository name ${config.org}/<slug>: rename or delete the existing repository, or choose another slug`,
      `${web}/orgs/${config.org}/repositories`,
      `${config.org} repositories`,
    ),
  };
  return (check) => (check.reasonCode ? byReason[check.reasonCode] : undefined) ?? operator(check.label);
}
