// Over 400 lines on purpose: one scenario per GitHub behaviour the provider must handle (against the fake).
// The GitHub provider against the fake GitHub over loopback: real HTTP, real Octokit, no mocks.
// Tests run concurrently, each with its own fake and token: Octokit spaces writes to one
// credential a second apart (GitHub's guidance), which would make a serial run slow.
import { afterAll, describe, expect, it } from "vitest";
import {
  primaryRateLimit,
  secondaryRateLimit,
  startFakeGitHub,
  type FakeGitHub,
} from "../../../test/fake-github/server";
import { ProviderError, type AccessCheck, type ProviderContext, type RepositoryProvider } from "../types";
import {
  createGitHubProvider,
  ONRAMP_TOPIC,
  repositoryMarker,
  SECRET_NAME,
  type GitHubProviderConfig,
} from "./github-provider";

const ORG = "acme";
const SLUG = "acme-payments";
const FULL = `${ORG}/${SLUG}`;

const fakes: FakeGitHub[] = [];
// Not afterEach: concurrent tests would close each other's fakes.
afterAll(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

let seq = 0;

interface World {
  scopes?: string[] | null;
  role?: "admin" | "member";
  state?: "active" | "pending";
  member?: boolean;
  membersCanCreate?: boolean;
  template?: "template" | "plain" | "missing";
  config?: Partial<GitHubProviderConfig>;
}

async function setup(world: World = {}) {
  const fake = await startFakeGitHub();
  fakes.push(fake);
  // A token per test: Octokit's write spacing is keyed per credential, so tests never queue behind each other.
  const token = `ghp_test_${process.pid}_${++seq}_s3cr3tvalue`;
  fake.addOrg(ORG, { membersCanCreateRepositories: world.membersCanCreate ?? true });
  fake.addToken(token, {
    login: "octo",
    scopes: world.scopes === undefined ? ["repo", "workflow", "delete_repo"] : world.scopes,
  });
  if (world.member !== false)
    fake.addMembership(ORG, "octo", { role: world.role ?? "admin", state: world.state ?? "active" });
  if (world.template !== "missing")
    fake.addRepo(ORG, "stack-template", { isTemplate: world.template !== "plain", private: false });
  const provider = createGitHubProvider({
    token,
    org: ORG,
    templateOwner: ORG,
    templateRepo: "stack-template",
    baseUrl: fake.url,
    requestTimeoutMs: 2000,
    retryBaseMs: 10,
    serverErrorRetries: 0,
    deploymentPollIntervalMs: 20,
    deploymentWaitMs: 3000,
    ...world.config,
  });
  const logs: string[] = [];
  const controller = new AbortController();
  const ctx: ProviderContext = {
    workspaceId: "ws_1",
    platformSlug: SLUG,
    platformName: "Acme Payments",
    tier: "growth",
    signal: controller.signal,
    log: (m) => logs.push(m),
  };
  return { fake, token, provider, ctx, logs, controller };
}

function byKey(checks: AccessCheck[]) {
  return Object.fromEntries(checks.map((c) => [c.key, c]));
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

const generateCalls = (fake: FakeGitHub) =>
  fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/generate"));

describe.concurrent("verifyAccess", () => {
  it("passes every check for an org owner with a classic token", async () => {
    const { provider, ctx } = await setup();
    const checks = await provider.verifyAccess(ctx);
    expect(checks.map((c) => c.key)).toEqual([
      "token_valid",
      "token_scopes",
      "org_membership",
      "repo_create_permission",
      "template_repository",
      "slug_available",
    ]);
    for (const check of checks) expect(check, check.key).toMatchObject({ status: "pass" });
    expect(byKey(checks).slug_available.message).toContain(`${FULL} is free`);
  });

  it("fails token_valid on a bad token and skips what depends on it", async () => {
    const { fake, token, provider, ctx } = await setup();
    const bad = createGitHubProvider({
      token: "ghp_wrong",
      org: ORG,
      templateOwner: ORG,
      templateRepo: "stack-template",
      baseUrl: fake.url,
    });
    const checks = byKey(await bad.verifyAccess(ctx));
    expect(checks.token_valid).toMatchObject({ status: "fail", reasonCode: "github_token_invalid" });
    expect(checks.token_valid.remediation).toBeTruthy();
    expect(checks.org_membership).toMatchObject({ status: "warn", reasonCode: "github_check_skipped" });
    expect(provider.kind).toBe("github");

    const misconfigured = createGitHubProvider({
      token,
      org: ORG,
      templateOwner: ORG,
      templateRepo: "stack-template",
      baseUrl: `${fake.url}/not-the-api`,
    });
    expect((await misconfigured.verifyAccess(ctx))[0]).toMatchObject({
      status: "fail",
      reasonCode: "github_api_not_found",
    });
  });

  it("fails token_scopes when workflow is missing, warns on public_repo and on fine-grained tokens", async () => {
    const missing = await setup({ scopes: ["repo"] });
    const scopes = byKey(await missing.provider.verifyAccess(missing.ctx)).token_scopes;
    expect(scopes).toMatchObject({ status: "fail", reasonCode: "github_token_missing_scope" });
    expect(scopes.message).toContain("workflow");
    expect(scopes.remediation).toContain("workflow");

    const publicOnly = await setup({ scopes: ["public_repo", "workflow"] });
    expect(byKey(await publicOnly.provider.verifyAccess(publicOnly.ctx)).token_scopes).toMatchObject({
      status: "warn",
      reasonCode: "github_token_public_repo_only",
    });

    const fineGrained = await setup({ scopes: null });
    expect(byKey(await fineGrained.provider.verifyAccess(fineGrained.ctx)).token_scopes).toMatchObject({
      status: "warn",
      reasonCode: "github_scopes_unverifiable",
    });
  });

  it("fails org_membership for a non-member and for a pending invitation", async () => {
    const outsider = await setup({ member: false });
    const checks = byKey(await outsider.provider.verifyAccess(outsider.ctx));
    expect(checks.org_membership).toMatchObject({ status: "fail", reasonCode: "github_org_not_member" });
    expect(checks.repo_create_permission).toMatchObject({ status: "fail", reasonCode: "github_cannot_create_repo" });

    const invited = await setup({ role: "member", state: "pending" });
    expect(byKey(await invited.provider.verifyAccess(invited.ctx)).org_membership).toMatchObject({
      status: "fail",
      reasonCode: "github_org_membership_pending",
    });
  });

  it("lets a member create repositories only when the organization allows it", async () => {
    const denied = await setup({ role: "member", membersCanCreate: false });
    const checks = byKey(await denied.provider.verifyAccess(denied.ctx));
    expect(checks.org_membership.status).toBe("pass");
    expect(checks.repo_create_permission).toMatchObject({ status: "fail", reasonCode: "github_cannot_create_repo" });
    expect(checks.repo_create_permission.remediation).toMatch(/Member privileges/);

    const allowed = await setup({ role: "member", membersCanCreate: true });
    expect(byKey(await allowed.provider.verifyAccess(allowed.ctx)).repo_create_permission.status).toBe("pass");
  });

  it("fails template_repository when the template is missing or not a template", async () => {
    const missing = await setup({ template: "missing" });
    expect(byKey(await missing.provider.verifyAccess(missing.ctx)).template_repository).toMatchObject({
      status: "fail",
      reasonCode: "github_template_not_found",
    });

    const plain = await setup({ template: "plain" });
    const check = byKey(await plain.provider.verifyAccess(plain.ctx)).template_repository;
    expect(check).toMatchObject({ status: "fail", reasonCode: "github_template_not_template" });
    expect(check.remediation).toContain("Template repository");
  });

  it("fails slug_available for a foreign repository and passes for one Onramp made", async () => {
    const foreign = await setup();
    foreign.fake.addRepo(ORG, SLUG, { description: "Payments prototype" });
    expect(byKey(await foreign.provider.verifyAccess(foreign.ctx)).slug_available).toMatchObject({
      status: "fail",
      reasonCode: "slug_taken",
    });

    const ours = await setup();
    ours.fake.addRepo(ORG, SLUG, { description: `${repositoryMarker(SLUG)} (Acme Payments)` });
    const check = byKey(await ours.provider.verifyAccess(ours.ctx)).slug_available;
    expect(check.status).toBe("pass");
    expect(check.message).toContain("already created by Onramp");

    const tagged = await setup();
    tagged.fake.addRepo(ORG, SLUG, { topics: [ONRAMP_TOPIC] });
    expect(byKey(await tagged.provider.verifyAccess(tagged.ctx)).slug_available.status).toBe("pass");

    // "Onramp platform acme-payments-old" must not count as ours for "acme-payments".
    const lookalike = await setup();
    lookalike.fake.addRepo(ORG, SLUG, { description: `${repositoryMarker(SLUG)}-old` });
    expect(byKey(await lookalike.provider.verifyAccess(lookalike.ctx)).slug_available.status).toBe("fail");
  });

  it("throws a transient error when GitHub is down, instead of reporting a failed check", async () => {
    const { fake, provider, ctx } = await setup();
    fake.failNext("GET /user", { status: 502 });
    const err = await failure(provider.verifyAccess(ctx));
    expect(err).toMatchObject({ code: "github_unavailable", transient: true, status: 502 });
  });
});

describe.concurrent("createRepository", () => {
  it("creates the repository once from the template, marks it, and reuses it on a second call", async () => {
    const { fake, provider, ctx } = await setup();
    const first = await provider.createRepository(ctx);
    expect(first).toMatchObject({ fullName: FULL, defaultBranch: "main", alreadyExisted: false });
    expect(first.url).toContain(FULL);
    expect(fake.repo(ORG, SLUG)).toMatchObject({
      private: true,
      description: `${repositoryMarker(SLUG)} (Acme Payments)`,
      topics: [ONRAMP_TOPIC],
      template_repository: expect.objectContaining({ full_name: `${ORG}/stack-template` }),
    });

    const second = await provider.createRepository(ctx);
    expect(second).toMatchObject({ fullName: FULL, alreadyExisted: true });
    expect(fake.counts.repositoriesCreated[FULL]).toBe(1);
    expect(fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/topics"))).toHaveLength(1);
  });

  it("reuses an Onramp repository whose topic was never set (crash between generate and topics)", async () => {
    const { fake, provider, ctx } = await setup();
    fake.addRepo(ORG, SLUG, { description: repositoryMarker(SLUG) });
    const repo = await provider.createRepository(ctx);
    expect(repo.alreadyExisted).toBe(true);
    expect(fake.repo(ORG, SLUG)?.topics).toEqual([ONRAMP_TOPIC]);
  });

  it("answers slug_taken (permanent) when GitHub's 422 'already exists' is a foreign repository", async () => {
    const { fake, provider, ctx } = await setup();
    fake.addRepo(ORG, SLUG, { description: "Somebody else's" });
    const err = await failure(provider.createRepository(ctx));
    expect(err).toMatchObject({ code: "slug_taken", transient: false });
    expect(err.remediation).toBeTruthy();
    expect(fake.counts.repositoriesCreated[FULL]).toBeUndefined();
  });

  it("retries a secondary rate limit on generate, honouring retry-after, then succeeds", async () => {
    const { fake, provider, ctx, logs } = await setup();
    fake.failNext("POST /repos/*/*/generate", secondaryRateLimit({ retryAfter: 2 }));
    const started = Date.now();
    const repo = await provider.createRepository(ctx);
    expect(repo.alreadyExisted).toBe(false);
    expect(generateCalls(fake).map((r) => r.status)).toEqual([403, 201]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20); // 2 "seconds" of 10 ms
    expect(logs.some((l) => /secondary rate limit/.test(l) && /retrying in 2 s/.test(l))).toBe(true);
    expect(fake.counts.repositoriesCreated[FULL]).toBe(1);
  });

  it("retries a primary rate limit (x-ratelimit-remaining 0) until the reset", async () => {
    const { fake, provider, ctx } = await setup();
    fake.failNext("POST /repos/*/*/generate", primaryRateLimit({ resetInSeconds: 1, status: 429 }));
    await provider.createRepository(ctx);
    expect(generateCalls(fake).map((r) => r.status)).toEqual([429, 201]);
  });

  it("gives up with github_rate_limited (transient) after maxRateLimitRetries", async () => {
    const { fake, provider, ctx } = await setup({ config: { maxRateLimitRetries: 2 } });
    fake.failNext("POST /repos/*/*/generate", secondaryRateLimit({ retryAfter: 1, times: 10 }));
    const err = await failure(provider.createRepository(ctx));
    expect(err).toMatchObject({ code: "github_rate_limited", transient: true, status: 403 });
    expect(generateCalls(fake)).toHaveLength(3);
  });

  it("does not wait out a retry-after longer than the cap", async () => {
    const { fake, provider, ctx } = await setup({ config: { retryBaseMs: 1000, maxRateLimitWaitSeconds: 5 } });
    fake.failNext("GET /user", secondaryRateLimit({ retryAfter: 120 }));
    const started = Date.now();
    const err = await failure(provider.verifyAccess(ctx));
    expect(err).toMatchObject({ code: "github_rate_limited", transient: true });
    expect(err.message).toContain("retry after 120 s");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("turns a 500 into a transient error, and retries it in-call when configured", async () => {
    const once = await setup();
    once.fake.failNext("POST /repos/*/*/generate", { status: 500 });
    expect(await failure(once.provider.createRepository(once.ctx))).toMatchObject({
      code: "github_unavailable",
      transient: true,
      status: 500,
    });

    const retried = await setup({ config: { serverErrorRetries: 1 } });
    retried.fake.failNext("POST /repos/*/*/generate", { status: 503 });
    expect((await retried.provider.createRepository(retried.ctx)).alreadyExisted).toBe(false);
    expect(generateCalls(retried.fake).map((r) => r.status)).toEqual([503, 201]);
  });

  it("reports a slow GitHub as github_timeout and an unreachable one as github_unreachable", async () => {
    const slow = await setup({ config: { requestTimeoutMs: 100 } });
    slow.fake.failNext("GET /repos/*/*", { delayMs: 400, times: 5 });
    const timedOut = await failure(slow.provider.deleteRepository(slow.ctx));
    expect(timedOut).toMatchObject({ code: "github_timeout", transient: true });

    const gone = await setup();
    await gone.fake.close();
    expect(await failure(gone.provider.createRepository(gone.ctx))).toMatchObject({
      code: "github_unreachable",
      transient: true,
    });
  });
});

describe.concurrent("deploy and verifyDeployment", () => {
  async function withRepository(world: World = {}) {
    const env = await setup(world);
    const repo = await env.provider.createRepository(env.ctx);
    return { ...env, repo };
  }

  it("seals the Actions secret, creates one deployment and reuses it on a re-run", async () => {
    const { fake, provider, ctx, repo } = await withRepository();
    const first = await provider.deploy(ctx, repo);
    expect(first.alreadyExisted).toBe(false);
    // The fake decrypts with its private key: the value was sealed to the repository's public key.
    expect(fake.secrets.get(`${FULL}/${SECRET_NAME}`)).toBe(SLUG);
    expect(fake.counts.deploymentsCreated[FULL]).toBe(1);

    const again = await provider.deploy(ctx, repo);
    expect(again).toMatchObject({ deploymentId: first.deploymentId, alreadyExisted: true });
    expect(fake.counts.deploymentsCreated[FULL]).toBe(1);
    expect(fake.counts.secretsWritten[`${FULL}/${SECRET_NAME}`]).toBe(2);
    const secretPuts = fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/actions/secrets/"));
    expect(secretPuts.map((r) => r.status)).toEqual([201, 204]);
  });

  it("reports github_cannot_manage_secrets (permanent) for a repository that is gone", async () => {
    const { provider, ctx } = await setup();
    const gone = { fullName: FULL, url: "", defaultBranch: "main", alreadyExisted: false };
    expect(await failure(provider.deploy(ctx, gone))).toMatchObject({
      code: "github_cannot_manage_secrets",
      transient: false,
      status: 404,
    });
  });

  it("verifies a deployment that succeeds after a while", async () => {
    const { fake, provider, ctx, repo, logs } = await withRepository();
    fake.setDeploymentOutcome("success", { delayMs: 150 });
    const deployment = await provider.deploy(ctx, repo);
    const result = await provider.verifyDeployment(ctx, repo, deployment);
    expect(result.ok).toBe(true);
    expect(result.detail).toContain(`${fake.url}/_web/${FULL}/deployed`);
    expect(result.environmentUrl).toBe(`${fake.url}/_web/${FULL}/deployed`);
    expect(logs.some((l) => l.includes("waiting for the first status"))).toBe(true);
  });

  it("reports no environment URL when the success status has none, or one that is not http(s)", async () => {
    const { fake, token, provider, ctx, repo } = await withRepository();
    fake.setDeploymentOutcome("pending");
    const deployment = await provider.deploy(ctx, repo);
    const report = async (environmentUrl: string) => {
      const res = await fetch(`${fake.url}/repos/${FULL}/deployments/${deployment.deploymentId}/statuses`, {
        method: "POST",
        headers: { authorization: `token ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ state: "success", environment_url: environmentUrl }),
      });
      expect(res.status).toBe(201);
    };
    await report("javascript:alert(document.cookie)");
    const unsafe = await provider.verifyDeployment(ctx, repo, deployment);
    expect(unsafe.ok).toBe(true);
    expect(unsafe).not.toHaveProperty("environmentUrl");
    expect(unsafe.detail).not.toContain("javascript:");
    await report("");
    const none = await provider.verifyDeployment(ctx, repo, deployment);
    expect(none.ok).toBe(true);
    expect(none).not.toHaveProperty("environmentUrl");
  });

  it("reports a failed deployment as not ok with the reason", async () => {
    const { fake, provider, ctx, repo } = await withRepository();
    fake.setDeploymentOutcome("failure", { delayMs: 50 });
    const deployment = await provider.deploy(ctx, repo);
    const result = await provider.verifyDeployment(ctx, repo, deployment);
    expect(result).toMatchObject({ ok: false });
    expect(result.detail).toMatch(/failure: Deploy job failed/);
  });

  it("throws github_deployment_timeout (transient) when no final status arrives in time", async () => {
    const { fake, provider, ctx, repo } = await withRepository({ config: { deploymentWaitMs: 200 } });
    fake.setDeploymentOutcome("pending");
    const deployment = await provider.deploy(ctx, repo);
    expect(await failure(provider.verifyDeployment(ctx, repo, deployment))).toMatchObject({
      code: "github_deployment_timeout",
      transient: true,
    });
  });

  it("stops waiting promptly when the signal is aborted", async () => {
    const { fake, provider, ctx, repo, controller } = await withRepository({
      config: { deploymentWaitMs: 60_000, deploymentPollIntervalMs: 2000 },
    });
    fake.setDeploymentOutcome("pending");
    const deployment = await provider.deploy(ctx, repo);
    const reason = new Error("run cancelled");
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(provider.verifyDeployment(ctx, repo, deployment)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("stops waiting out a rate limit promptly when the signal is aborted", async () => {
    const { fake, provider, ctx, controller } = await setup({ config: { retryBaseMs: 1000 } });
    fake.failNext("GET /user", secondaryRateLimit({ retryAfter: 2 }));
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(provider.verifyAccess(ctx)).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe.concurrent("deleteRepository", () => {
  it("deletes a repository Onramp made and counts a missing one as removed", async () => {
    const { fake, provider, ctx } = await setup();
    await provider.createRepository(ctx);
    await provider.deleteRepository(ctx);
    expect(fake.repo(ORG, SLUG)).toBeUndefined();

    await provider.deleteRepository(ctx);
    expect(fake.requests.filter((r) => r.method === "DELETE")).toHaveLength(1);
  });

  it("counts a 404 from DELETE (someone else removed it meanwhile) as removed", async () => {
    const { fake, provider, ctx } = await setup();
    fake.addRepo(ORG, SLUG, { topics: [ONRAMP_TOPIC] });
    fake.failNext(`DELETE /repos/${FULL}`, { status: 404 });
    await expect(provider.deleteRepository(ctx)).resolves.toBeUndefined();
  });

  it("refuses to delete a repository without Onramp's marker", async () => {
    const { fake, provider, ctx } = await setup();
    fake.addRepo(ORG, SLUG, { description: "Hand-made" });
    const err = await failure(provider.deleteRepository(ctx));
    expect(err).toMatchObject({ code: "github_not_ours", transient: false });
    expect(fake.repo(ORG, SLUG)).toBeDefined();
    expect(fake.requests.some((r) => r.method === "DELETE")).toBe(false);
  });

  it("explains a 403 from a token without delete_repo", async () => {
    const { fake, provider, ctx } = await setup({ scopes: ["repo", "workflow"] });
    fake.addRepo(ORG, SLUG, { topics: [ONRAMP_TOPIC] });
    expect(await failure(provider.deleteRepository(ctx))).toMatchObject({
      code: "github_cannot_delete_repo",
      transient: false,
      status: 403,
    });
  });
});

describe.concurrent("token hygiene", () => {
  it("never puts the token in an error, a remediation, a check or a log line", async () => {
    const { fake, token, provider, ctx, logs } = await setup({ config: { maxRateLimitRetries: 0 } });
    const seen: unknown[] = [];
    const attempt = async (run: (p: RepositoryProvider) => Promise<unknown>, p: RepositoryProvider = provider) => {
      try {
        seen.push(await run(p));
      } catch (err) {
        seen.push(err, (err as Error).message, (err as ProviderError).remediation);
      }
    };
    // GitHub echoing the token back is the worst case: it must still be scrubbed.
    fake.failNext("POST /repos/*/*/generate", { status: 422, body: { message: `Validation failed for ${token}` } });
    await attempt((p) => p.createRepository(ctx));
    fake.failNext("POST /repos/*/*/generate", { status: 500, body: { message: `boom ${token}` } });
    await attempt((p) => p.createRepository(ctx));
    fake.failNext("GET /user", secondaryRateLimit());
    await attempt((p) => p.verifyAccess(ctx));
    fake.failNext("GET /repos/*/*", { status: 403, body: { message: `SSO required for ${token}` } });
    await attempt((p) => p.verifyAccess(ctx));
    fake.addRepo(ORG, SLUG, { description: "foreign" });
    await attempt((p) => p.deleteRepository(ctx));
    await attempt((p) => p.createRepository(ctx));
    const wrong = createGitHubProvider({
      token: `${token}-revoked`,
      org: ORG,
      templateOwner: ORG,
      templateRepo: "stack-template",
      baseUrl: fake.url,
    });
    await attempt((p) => p.verifyAccess(ctx), wrong);
    await attempt((p) => p.createRepository(ctx), wrong);

    expect(seen.filter((s) => s instanceof ProviderError).length).toBeGreaterThanOrEqual(6);
    const everything = JSON.stringify(
      seen.map((s) => (s instanceof Error ? { ...s, message: s.message, stack: s.stack } : s)),
    );
    expect(everything).not.toContain(token);
    expect(JSON.stringify(logs)).not.toContain(token);
    expect(JSON.stringify(fake.requests)).not.toContain(token);
  });
});
