// Verify Access for GitHub: the token, its scopes, organization membership and the right to
// create repositories, the stack template, and whether the slug's repository name is free.
// Each answer is a check with a stable reason code and a remediation; nothing the token could
// leak reaches one.
import type { AccessCheck, ProviderContext } from "../types";
import { ProviderError } from "../types";
import { REFUSAL_CODES, TOKEN_REMEDIATION } from "./client";
import { isOnrampRepository } from "./markers";
import { sameRepo, type GitHubConnection, type RepoData } from "./context";

export async function verifyGitHubAccess(gh: GitHubConnection, ctx: ProviderContext): Promise<AccessCheck[]> {
  const { config, org, templateOwner, templateRepo, template, scrub, send, refusal, getRepo } = gh;

  function checker(key: string, label: string) {
    return {
      pass: (message: string): AccessCheck => ({ key, label, status: "pass", message: scrub(message) }),
      warn: (reasonCode: string, message: string, remediation: string): AccessCheck => ({
        key,
        label,
        status: "warn",
        reasonCode,
        message: scrub(message),
        remediation: scrub(remediation),
      }),
      fail: (reasonCode: string, message: string, remediation: string): AccessCheck => ({
        key,
        label,
        status: "fail",
        reasonCode,
        message: scrub(message),
        remediation: scrub(remediation),
      }),
    };
  }

  const checks = {
    token: checker("token_valid", "GitHub token"),
    scopes: checker("token_scopes", "Token scopes"),
    membership: checker("org_membership", "Organization membership"),
    create: checker("repo_create_permission", "Permission to create repositories"),
    template: checker("template_repository", "Stack template"),
    slug: checker("slug_available", "Repository name"),
  };

  function scopesCheck(header: string | undefined): AccessCheck {
    if (header === undefined) {
      return checks.scopes.warn(
        "github_scopes_unverifiable",
        "The token does not report OAuth scopes (a fine-grained token or an app token), so its permissions are only proven by the checks below and by the first write.",
        "Make sure the token grants, on the organization's repositories: Administration, Contents, Workflows, Secrets and Deployments (read and write), and Metadata (read).",
      );
    }
    const scopes = header
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const has = (scope: string) => scopes.includes(scope);
    const missing = [...(has("repo") || has("public_repo") ? [] : ["repo"]), ...(has("workflow") ? [] : ["workflow"])];
    const listed = scopes.length ? scopes.join(", ") : "none";
    if (missing.length) {
      return checks.scopes.fail(
        "github_token_missing_scope",
        `The token lacks the ${missing.join(" and ")} scope${missing.length > 1 ? "s" : ""} (it has: ${listed}).`,
        `Edit the token (GitHub → Settings → Developer settings → Personal access tokens) and add ${missing.join(" and ")}, or create a new one.`,
      );
    }
    if (!has("repo")) {
      return checks.scopes.warn(
        "github_token_public_repo_only",
        `The token has public_repo but not repo (it has: ${listed}); it cannot create the platform's private repository.`,
        "Replace public_repo with the repo scope on the token.",
      );
    }
    const deleteNote = has("delete_repo") ? "" : " Deprovisioning will also need delete_repo.";
    return checks.scopes.pass(`The token has the scopes the pipeline needs (${listed}).${deleteNote}`);
  }

  /** org_membership and repo_create_permission, which depends on it. */
  async function orgChecks(ctx: ProviderContext, login: string): Promise<[AccessCheck, AccessCheck]> {
    if (org.toLowerCase() === login.toLowerCase()) {
      return [
        checks.membership.pass(`${org} is the token user's own account.`),
        checks.create.pass(`${login} can create repositories in their own account.`),
      ];
    }
    let membership: { state: string; role: string };
    try {
      const { data } = await send(ctx, `GET /orgs/${org}/memberships/${login}`, (octokit, request) =>
        octokit.rest.orgs.getMembershipForUser({ org, username: login, request }),
      );
      membership = data;
    } catch (err) {
      const refused = refusal(err);
      if (refused.status !== 404 && refused.status !== 403) throw refused;
      return [
        checks.membership.fail(
          "github_org_not_member",
          `${login} is not a member of the ${org} organization (or the organization does not exist).`,
          `Ask an owner of ${org} to invite ${login}, or connect with a token of a user who belongs to ${org}.`,
        ),
        checks.create.fail(
          "github_cannot_create_repo",
          `${login} cannot create repositories in ${org} without being a member.`,
          `Fix the organization membership first.`,
        ),
      ];
    }
    if (membership.state !== "active") {
      return [
        checks.membership.fail(
          "github_org_membership_pending",
          `${login} has been invited to ${org} but has not accepted the invitation yet.`,
          `Sign in to GitHub as ${login} and accept the invitation at https://github.com/orgs/${org}/invitation.`,
        ),
        checks.create.fail(
          "github_cannot_create_repo",
          `${login} cannot create repositories in ${org} until the invitation is accepted.`,
          `Accept the invitation to ${org} first.`,
        ),
      ];
    }
    const membershipPass = checks.membership.pass(
      `${login} is an active ${membership.role === "admin" ? "owner" : membership.role} of ${org}.`,
    );
    if (membership.role === "admin") {
      return [membershipPass, checks.create.pass(`${login} owns ${org} and can create repositories there.`)];
    }
    const { data: orgData } = await send(ctx, `GET /orgs/${org}`, (octokit, request) =>
      octokit.rest.orgs.get({ org, request }),
    );
    // Onramp creates private repositories: that setting decides when GitHub reports it.
    const allowed = orgData.members_can_create_private_repositories ?? orgData.members_can_create_repositories;
    if (allowed === undefined || allowed === null) {
      return [
        membershipPass,
        checks.create.warn(
          "github_repo_permission_unverifiable",
          `GitHub does not show ${login} whether members of ${org} may create private repositories.`,
          `Ask an owner of ${org} to confirm "Repository creation: Private" is allowed for members, or use an owner's token.`,
        ),
      ];
    }
    if (!allowed) {
      return [
        membershipPass,
        checks.create.fail(
          "github_cannot_create_repo",
          `Members of ${org} may not create private repositories, and ${login} is not an owner.`,
          `Ask an owner of ${org} to allow members to create private repositories (Organization settings → Member privileges), make ${login} an owner, or use an owner's token.`,
        ),
      ];
    }
    return [
      membershipPass,
      checks.create.pass(`Members of ${org}, including ${login}, may create private repositories.`),
    ];
  }

  async function templateCheck(ctx: ProviderContext): Promise<AccessCheck> {
    let data: RepoData | null;
    try {
      data = await getRepo(ctx, templateOwner, templateRepo);
    } catch (err) {
      const refused = refusal(err);
      return checks.template.fail(
        "github_template_not_found",
        `The token cannot read the stack template ${template}: ${refused.message}`,
        `Give the token's user read access to ${template}, or choose another stack template.`,
      );
    }
    if (!data) {
      return checks.template.fail(
        "github_template_not_found",
        `The stack template ${template} does not exist or the token cannot see it.`,
        `Check the template's owner and name, and give the token's user read access to it.`,
      );
    }
    if (!data.is_template) {
      return checks.template.fail(
        "github_template_not_template",
        `${data.full_name} exists but is not marked as a template repository.`,
        `In ${data.full_name}, open Settings → General and tick "Template repository", or choose another stack template.`,
      );
    }
    return checks.template.pass(
      `${data.full_name} is a template repository (default branch ${data.default_branch ?? "main"}).`,
    );
  }

  async function slugCheck(ctx: ProviderContext): Promise<AccessCheck> {
    const slug = ctx.platformSlug;
    const wanted = `${org}/${slug}`;
    let data: RepoData | null;
    try {
      data = await getRepo(ctx, org, slug);
    } catch (err) {
      const refused = refusal(err);
      return checks.slug.fail(
        refused.code,
        `Could not check whether ${wanted} exists: ${refused.message}`,
        "Fix the checks above, then verify again.",
      );
    }
    if (!data) return checks.slug.pass(`${wanted} is free.`);
    // A renamed repository answers at its old name through a redirect; the name itself is free.
    if (!sameRepo(data, org, slug))
      return checks.slug.pass(
        `${wanted} is free (it redirects to the renamed ${data.full_name}, which stays untouched).`,
      );
    if (isOnrampRepository(data, slug))
      return checks.slug.pass(`${wanted} was already created by Onramp for this platform and will be reused.`);
    return checks.slug.fail(
      "slug_taken",
      `${wanted} already exists and was not created by Onramp.`,
      "Choose another slug at the Identify step, or rename or delete the existing repository.",
    );
  }

  let login: string;
  let scopesHeader: string | undefined;
  try {
    const { data, headers } = await send(ctx, "GET /user", (octokit, request) =>
      octokit.rest.users.getAuthenticated({ request }),
    );
    login = data.login;
    scopesHeader = headers["x-oauth-scopes"];
  } catch (err) {
    const skipped = (c: ReturnType<typeof checker>) =>
      c.warn("github_check_skipped", "Not checked: it needs a valid token.", "Fix the token, then verify again.");
    const rest = () => [
      skipped(checks.scopes),
      skipped(checks.membership),
      skipped(checks.create),
      skipped(checks.template),
      skipped(checks.slug),
    ];
    // The guard refused the address or a redirect: nothing was sent, say so.
    if (err instanceof ProviderError && REFUSAL_CODES.has(err.code)) {
      return [checks.token.fail(err.code, `Not checked: ${err.message}`, err.remediation ?? ""), ...rest()];
    }
    const refused = refusal(err);
    const tokenCheck =
      refused.status === 401
        ? checks.token.fail(
            "github_token_invalid",
            "GitHub rejected the token (Bad credentials): it is wrong, expired or revoked.",
            TOKEN_REMEDIATION,
          )
        : refused.status === 404
          ? checks.token.fail(
              "github_api_not_found",
              `${config.baseUrl ?? "https://api.github.com"} answered 404 to GET /user: it does not look like a GitHub API root.`,
              "Fix the connection's API URL (GitHub Enterprise Server: https://HOST/api/v3).",
            )
          : checks.token.fail(
              "github_token_unsupported",
              `The token cannot read its own user (GitHub answered ${refused.status}); GitHub App installation tokens are not supported.`,
              TOKEN_REMEDIATION,
            );
    return [tokenCheck, ...rest()];
  }
  const [[membership, create], templateResult, slugResult] = await Promise.all([
    orgChecks(ctx, login),
    templateCheck(ctx),
    slugCheck(ctx),
  ]);
  return [
    checks.token.pass(`The token authenticates as ${login}.`),
    scopesCheck(scopesHeader),
    membership,
    create,
    templateResult,
    slugResult,
  ];
}
