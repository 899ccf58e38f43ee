import { describe, expect, it } from "vitest";
import { attachAssist, withAssist } from "./access-assist";
import { githubAssist, githubWebUrl } from "./github/access-remediation";
import { cloudflareAssist, CLOUDFLARE_TOKENS_URL } from "./cloudflare/access-remediation";
import { simulatedAssist } from "./simulated/access-remediation";
import type { AccessCheck } from "./types";

const check = (key: string, status: AccessCheck["status"], reasonCode?: string): AccessCheck => ({
  key,
  label: key,
  status,
  reasonCode,
  message: "m",
});

describe("verification assist", () => {
  it("gives every warn/fail check an owner, a permission and a link, and passing checks none", () => {
    const out = attachAssist([check("a", "pass"), check("b", "warn", "x"), check("c", "fail", "y")], () => null);
    expect(out[0].assist).toBeUndefined();
    for (const c of out.slice(1))
      expect(c.assist).toMatchObject({ owner: "workspace_admin", href: "/settings/connections" });
  });

  it("wraps a provider's verifyAccess in place, keeping the provider object", async () => {
    const provider = { kind: "x", verifyAccess: async () => [check("c", "fail", "y")] };
    const wrapped = withAssist(provider, () => ({
      owner: "operator",
      ownerLabel: "you",
      permission: "p",
      href: "https://e.test",
      linkLabel: "e",
    }));
    expect(wrapped).toBe(provider);
    expect((await wrapped.verifyAccess())[0].assist?.href).toBe("https://e.test");
  });

  it("sends GitHub scope problems to the token settings and org problems to the org's owners", () => {
    const lookup = githubAssist({ org: "acme", templateOwner: "acme", templateRepo: "stack" });
    expect(lookup(check("token_scopes", "fail", "github_token_missing_scope"))).toMatchObject({
      owner: "operator",
      permission: "Token scopes repo and workflow",
      href: "https://github.com/settings/tokens",
    });
    expect(lookup(check("repo_create_permission", "fail", "github_cannot_create_repo"))).toMatchObject({
      owner: "provider_admin",
      href: "https://github.com/organizations/acme/settings/member_privileges",
    });
    expect(lookup(check("org_membership", "fail", "github_org_membership_pending"))).toMatchObject({
      owner: "operator",
      href: "https://github.com/orgs/acme/invitation",
    });
    expect(lookup(check("template_repository", "fail", "github_template_not_template"))?.href).toBe(
      "https://github.com/acme/stack/settings",
    );
    expect(lookup(check("token_valid", "fail", "something_new"))?.href).toBe("https://github.com/settings/tokens");
  });

  it("links GitHub Enterprise Server checks to its own host", () => {
    expect(githubWebUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(githubWebUrl("https://api.github.com")).toBe("https://github.com");
    expect(
      githubAssist({ org: "o", templateOwner: "o", templateRepo: "t", baseUrl: "https://ghe.example.com/api/v3" })(
        check("token_scopes", "fail", "github_token_missing_scope"),
      )?.href,
    ).toBe("https://ghe.example.com/settings/tokens");
  });

  it("names the exact Cloudflare permission and sends it to the API tokens page", () => {
    const lookup = cloudflareAssist("acc123");
    expect(lookup(check("cloudflare_permission_d1", "fail", "cloudflare_missing_permission"))).toMatchObject({
      owner: "provider_admin",
      permission: 'Token permission "Account · D1 · Edit" on account acc123',
      href: CLOUDFLARE_TOKENS_URL,
    });
    expect(lookup(check("cloudflare_token", "fail", "cloudflare_token_invalid"))).toMatchObject({
      owner: "operator",
      href: "https://dash.cloudflare.com/profile/api-tokens",
    });
    expect(lookup(check("cloudflare_d1_quota", "fail", "cloudflare_d1_quota_exhausted"))?.href).toBe(
      "https://dash.cloudflare.com/acc123/workers/d1",
    );
  });

  it("says the simulated fault is an injection, with the owner the real check would have", () => {
    expect(
      simulatedAssist(check("repo_create_permission", "fail", "simulated_repo_create_permission_failed")),
    ).toMatchObject({
      owner: "provider_admin",
      permission: expect.stringContaining("simulation.failCheck"),
    });
  });
});
