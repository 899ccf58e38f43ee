// The repository steps: create the platform's repository from the stack template (or reuse the
// one Onramp already made for the slug), and delete it again — only if it is Onramp's.
import type { ProviderContext, RepositoryInfo } from "../types";
import { ONRAMP_TOPIC, isOnrampRepository, repositoryMarker } from "./markers";
import { repoInfo, sameRepo, type GitHubConnection } from "./context";

export async function createRepository(gh: GitHubConnection, ctx: ProviderContext): Promise<RepositoryInfo> {
  const { org, templateOwner, templateRepo, template, send, refusal, fail, getRepo, ensureTopic } = gh;
  const slug = ctx.platformSlug;
  const wanted = `${org}/${slug}`;
  // GitHub caps descriptions at 350 characters; the marker comes first so it survives the cut.
  const description = `${repositoryMarker(slug)} (${ctx.platformName})`.slice(0, 350);
  try {
    const { data } = await send(ctx, `POST /repos/${template}/generate`, (octokit, request) =>
      octokit.rest.repos.createUsingTemplate({
        template_owner: templateOwner,
        template_repo: templateRepo,
        owner: org,
        name: slug,
        description,
        private: true,
        include_all_branches: false,
        request,
      }),
    );
    ctx.log(`Created ${data.full_name} from the stack template ${template}`);
    await ensureTopic(ctx, data);
    return repoInfo(data, false);
  } catch (err) {
    const refused = refusal(err);
    if (refused.status === 422 && /already exists/i.test(refused.githubMessage)) {
      const existing = await getRepo(ctx, org, slug);
      if (existing && sameRepo(existing, org, slug) && isOnrampRepository(existing, slug)) {
        ctx.log(`${existing.full_name} already exists and is Onramp's; reusing it`);
        await ensureTopic(ctx, existing);
        return repoInfo(existing, true);
      }
      throw fail("slug_taken", `${wanted} already exists and was not created by Onramp.`, {
        status: 422,
        remediation: "Choose another slug, or rename or delete the existing repository, then resume.",
      });
    }
    if (refused.status === 422 && /not a template/i.test(refused.githubMessage)) {
      throw fail("github_template_not_template", `${template} is not a template repository.`, {
        status: 422,
        remediation: `Mark ${template} as a template (Settings → General), then resume.`,
      });
    }
    if (refused.status === 404) {
      throw fail(
        "github_template_not_found",
        `The stack template ${template} or the organization ${org} was not found, or the token cannot see it.`,
        {
          status: 404,
          remediation: "Run Verify Access to see which, fix it, then resume.",
        },
      );
    }
    if (refused.status === 403) {
      throw fail("github_cannot_create_repo", `GitHub refused to create ${wanted} (403).`, {
        status: 403,
        remediation: `Give the token's user the right to create private repositories in ${org}, then resume.`,
      });
    }
    if (refused.status === 422) {
      throw fail(
        "github_repo_create_rejected",
        `GitHub refused to create ${wanted} (422): the name or settings are not valid for a new repository.`,
        {
          status: 422,
          remediation: "Check the slug (GitHub repository name rules) and the template, then resume.",
        },
      );
    }
    throw refused;
  }
}

export async function deleteRepository(gh: GitHubConnection, ctx: ProviderContext): Promise<void> {
  const { org, send, refusal, fail, getRepo } = gh;
  const slug = ctx.platformSlug;
  const wanted = `${org}/${slug}`;
  const existing = await getRepo(ctx, org, slug);
  if (!existing || !sameRepo(existing, org, slug)) {
    ctx.log(`${wanted} does not exist; nothing to delete`);
    return;
  }
  if (!isOnrampRepository(existing, slug)) {
    throw fail(
      "github_not_ours",
      `${wanted} was not created by Onramp (no topic ${ONRAMP_TOPIC}, no "${repositoryMarker(slug)}" description); refusing to delete it.`,
      {
        remediation: "If it really belongs to this platform, delete it on GitHub by hand; otherwise leave it.",
      },
    );
  }
  try {
    await send(ctx, `DELETE /repos/${wanted}`, (octokit, request) =>
      octokit.rest.repos.delete({ owner: org, repo: slug, request }),
    );
  } catch (err) {
    const refused = refusal(err);
    if (refused.status === 404) {
      ctx.log(`${wanted} was already gone`);
      return;
    }
    if (refused.status === 403) {
      throw fail("github_cannot_delete_repo", `GitHub refused to delete ${wanted} (403).`, {
        status: 403,
        remediation: `Give the token the delete_repo scope (and its user admin rights on ${wanted}), then retry the deprovisioning.`,
      });
    }
    throw refused;
  }
  ctx.log(`Deleted ${wanted}`);
}
