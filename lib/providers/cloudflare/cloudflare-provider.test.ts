// Over 400 lines on purpose: one scenario per Cloudflare API behaviour the provider must handle.
// The Cloudflare provider against the fake Cloudflare API over loopback: real HTTP, the real
// SDK, no mocks. Each test has its own fake, account and token.
import { afterAll, describe, expect, it } from "vitest";
import {
  ALL_PERMISSIONS,
  startFakeCloudflare,
  type FakeCloudflare,
  type FakePermission,
  type FakeToken,
} from "../../../test/fake-cloudflare/server";
import { ProviderError, type AccessCheck, type ProviderContext } from "../types";
import { createCloudflareProvider, type CloudflareProviderConfig } from "./cloudflare-provider";
import { CHECK_KEYS } from "./verify-access";
import { CLOUDFLARE_REASON_CODES } from "./errors";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const SLUG = "acme-pay";
const TOKEN = "cf-test-token-s3cr3tvalue";

const fakes: FakeCloudflare[] = [];
afterAll(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

interface World {
  token?: Partial<FakeToken>;
  d1Limit?: number;
  config?: Partial<CloudflareProviderConfig>;
}

async function setup(world: World = {}) {
  const fake = await startFakeCloudflare();
  fakes.push(fake);
  fake.addAccount(ACCOUNT, { name: "Acme", d1Limit: world.d1Limit });
  fake.addToken(TOKEN, { accounts: [ACCOUNT], ...world.token });
  const requested: string[] = [];
  const provider = createCloudflareProvider({
    apiToken: TOKEN,
    accountId: ACCOUNT,
    baseURL: fake.url,
    // The injected fetch is the one used (the SSRF-guarded fetch goes here in production).
    fetch: (input, init) => {
      requested.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    },
    timeoutMs: 2000,
    deploymentPollIntervalMs: 10,
    deploymentWaitMs: 2000,
    workerSecrets: () => ({ SESSION_SECRET: "session-secret-value-123" }),
    ...world.config,
  });
  const logs: string[] = [];
  const controller = new AbortController();
  const ctx: ProviderContext = {
    workspaceId: "ws_1",
    platformSlug: SLUG,
    platformName: "Acme Pay",
    tier: "growth",
    signal: controller.signal,
    log: (m) => logs.push(m),
  };
  return { fake, provider, ctx, logs, controller, requested, account: () => fake.account(ACCOUNT)! };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError & { permission?: string }> {
  const err = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

function byKey(checks: AccessCheck[]) {
  return Object.fromEntries(checks.map((c) => [c.key, c]));
}

describe("verifyAccess", () => {
  it("passes every check for a token with the four permissions, through the injected fetch", async () => {
    const { provider, ctx, requested, fake } = await setup();
    const checks = await provider.verifyAccess(ctx);
    expect(checks.map((c) => [c.key, c.status])).toEqual([
      [CHECK_KEYS.token, "pass"],
      [CHECK_KEYS.account, "pass"],
      [CHECK_KEYS.permission("d1"), "pass"],
      [CHECK_KEYS.permission("workers_scripts"), "pass"],
      [CHECK_KEYS.permission("pages"), "pass"],
      [CHECK_KEYS.quota, "pass"],
      [CHECK_KEYS.names, "pass"],
    ]);
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.every((u) => u.startsWith(fake.url))).toBe(true);
  });

  it.each(["d1", "workers_scripts", "pages"] as const)(
    "a token without %s fails exactly that permission check, with its remediation",
    async (missing) => {
      const { provider, ctx } = await setup({
        token: { permissions: ALL_PERMISSIONS.filter((p: FakePermission) => p !== missing) },
      });
      const checks = await provider.verifyAccess(ctx);
      const failed = checks.filter((c) => c.status === "fail");
      for (const c of checks) if (c.reasonCode) expect(CLOUDFLARE_REASON_CODES).toContain(c.reasonCode);
      expect(failed.map((c) => c.key)).toEqual([CHECK_KEYS.permission(missing)]);
      expect(failed[0].reasonCode).toBe("cloudflare_missing_permission");
      expect(failed[0].remediation).toMatch(/dash\.cloudflare\.com → My Profile → API Tokens/);
      const label = { d1: "D1", workers_scripts: "Workers Scripts", pages: "Cloudflare Pages" }[missing];
      expect(failed[0].remediation).toContain(`Account · ${label} · Edit`);
    },
  );

  it("reports an unknown token, a disabled token and an account the token does not cover", async () => {
    const unknown = await setup({ config: { apiToken: "not-a-token" } });
    expect(byKey(await unknown.provider.verifyAccess(unknown.ctx))[CHECK_KEYS.token]).toMatchObject({
      status: "fail",
      reasonCode: "cloudflare_token_invalid",
    });

    const disabled = await setup({ token: { status: "disabled" } });
    const checks = byKey(await disabled.provider.verifyAccess(disabled.ctx));
    expect(checks[CHECK_KEYS.token]).toMatchObject({ status: "fail", reasonCode: "cloudflare_token_inactive" });
    expect(checks[CHECK_KEYS.token].remediation).toContain("My Profile → API Tokens");

    const elsewhere = await setup({ config: { accountId: "ffffffffffffffffffffffffffffffff" } });
    expect(byKey(await elsewhere.provider.verifyAccess(elsewhere.ctx))[CHECK_KEYS.account]).toMatchObject({
      status: "fail",
      reasonCode: "cloudflare_account_unreachable",
    });
  });

  it("accepts an account-owned token (verified at /accounts/:id/tokens/verify)", async () => {
    const { provider, ctx } = await setup({ token: { owner: "account" } });
    expect(byKey(await provider.verifyAccess(ctx))[CHECK_KEYS.token].status).toBe("pass");
  });

  it("fails the quota check when the account's D1 limit is reached, unless our database already exists", async () => {
    const { provider, ctx, fake } = await setup({ d1Limit: 2, config: { d1DatabaseLimit: 2 } });
    fake.addDatabase(ACCOUNT, "other-1");
    fake.addDatabase(ACCOUNT, "other-2");
    expect(byKey(await provider.verifyAccess(ctx))[CHECK_KEYS.quota]).toMatchObject({
      status: "fail",
      reasonCode: "cloudflare_d1_quota_exhausted",
    });
    expect((await failure(provider.createAuthDatabase(ctx))).code).toBe("cloudflare_d1_quota_exhausted");
  });

  it("fails the names check for names held by someone else, and passes for names already ours", async () => {
    const taken = await setup();
    taken.fake.addScript(ACCOUNT, `onramp-${SLUG}-auth`, { tags: ["billing-team"] });
    const check = byKey(await taken.provider.verifyAccess(taken.ctx))[CHECK_KEYS.names];
    expect(check).toMatchObject({ status: "fail", reasonCode: "cloudflare_name_taken" });
    expect(check.message).toContain(`Worker onramp-${SLUG}-auth`);

    const ours = await setup();
    const db = await ours.provider.createAuthDatabase(ours.ctx);
    await ours.provider.deployAuthWorker(ours.ctx, { databaseId: db.id });
    await ours.provider.createPagesProject(ours.ctx);
    const again = byKey(await ours.provider.verifyAccess(ours.ctx))[CHECK_KEYS.names];
    expect(again.status).toBe("pass");
    expect(again.message).toContain("reused");
  });

  it("throws transient failures for the executor to retry instead of reporting them", async () => {
    const { provider, ctx, fake } = await setup();
    fake.failNext("GET /accounts/*/pages/projects", { status: 429, retryAfter: 3 });
    expect(await failure(provider.verifyAccess(ctx))).toMatchObject({
      code: "cloudflare_rate_limited",
      transient: true,
      retryAfterMs: 3000,
    });
  });
});

describe("auth database, Worker and secrets", () => {
  it("creates them once: a second provision returns the same resources and creates nothing", async () => {
    const { provider, ctx, fake, account } = await setup();
    const first = await provider.infra.provision(ctx);
    expect(first.alreadyExisted).toBe(false);
    const second = await provider.infra.provision(ctx);
    expect(second.alreadyExisted).toBe(true);
    expect(second.resources).toEqual(first.resources);
    expect(fake.counts.databasesCreated).toBe(1);
    expect(account().databases.size).toBe(1);
    expect(account().scripts.size).toBe(1);

    const script = account().scripts.get(`onramp-${SLUG}-auth`)!;
    expect(script.tags).toContain(`onramp-platform-${SLUG}`);
    expect(script.bindings).toEqual([
      expect.objectContaining({ type: "d1", name: "DB", id: first.resources.databaseId }),
    ]);
    expect(script.content).toContain("export default");
    expect(script.secrets.get("SESSION_SECRET")?.text).toBe("session-secret-value-123");
    expect(await provider.listWorkerSecrets(ctx)).toEqual(["SESSION_SECRET"]);
    const db = account().databases.get(first.resources.databaseId)!;
    expect([...db.tables.keys()].sort()).toEqual(["_onramp_owner", "users"]);
    expect(await provider.infra.verify(ctx)).toMatchObject({ ok: true });
  });

  it("adopts an empty database left by an interrupted create, and refuses one with someone else's tables", async () => {
    const empty = await setup();
    const leftover = empty.fake.addDatabase(ACCOUNT, `onramp-${SLUG}-auth`);
    const adopted = await empty.provider.createAuthDatabase(empty.ctx);
    expect(adopted).toMatchObject({ id: leftover, alreadyExisted: true });
    expect(empty.fake.counts.databasesCreated).toBe(0);

    const foreign = await setup();
    foreign.fake.addDatabase(ACCOUNT, `onramp-${SLUG}-auth`, { tables: ["users"] });
    const err = await failure(foreign.provider.createAuthDatabase(foreign.ctx));
    expect(err).toMatchObject({ code: "cloudflare_name_taken", transient: false });
    expect(err.remediation).toContain("not created by Onramp");
  });

  it("a database whose id the ledger recorded is ours even without the marker", async () => {
    const { provider, ctx, fake } = await setup();
    const id = fake.addDatabase(ACCOUNT, `onramp-${SLUG}-auth`, { tables: ["users"] });
    expect(await provider.createAuthDatabase(ctx, { recordedId: id })).toMatchObject({ id, alreadyExisted: true });
  });

  it("refuses to overwrite a Worker of the same name that is not Onramp's", async () => {
    const { provider, ctx, fake, account } = await setup();
    fake.addScript(ACCOUNT, `onramp-${SLUG}-auth`, { tags: ["someone-else"] });
    const db = await provider.createAuthDatabase(ctx);
    expect(await failure(provider.deployAuthWorker(ctx, { databaseId: db.id }))).toMatchObject({
      code: "cloudflare_name_taken",
      transient: false,
    });
    expect(account().scripts.get(`onramp-${SLUG}-auth`)!.tags).toEqual(["someone-else"]);
    expect(fake.counts.scriptsUploaded).toBe(0);
  });

  it("maps 429 to transient cloudflare_rate_limited with retryAfterMs, and 5xx/slow answers to transient cloudflare_unavailable", async () => {
    const { provider, ctx, fake } = await setup({ config: { timeoutMs: 200 } });
    fake.failNext("POST /accounts/*/d1/database", { status: 429, retryAfter: 5 });
    expect(await failure(provider.createAuthDatabase(ctx))).toMatchObject({
      code: "cloudflare_rate_limited",
      transient: true,
      retryAfterMs: 5000,
    });
    fake.failNext("GET /accounts/*/d1/database", { status: 503 });
    expect(await failure(provider.createAuthDatabase(ctx))).toMatchObject({
      code: "cloudflare_unavailable",
      transient: true,
      status: 503,
    });
    fake.failNext("GET /accounts/*/d1/database", { delayMs: 500 });
    expect(await failure(provider.createAuthDatabase(ctx))).toMatchObject({
      code: "cloudflare_unavailable",
      transient: true,
    });
    // No SDK retries: each fault cost exactly one request, and nothing was created.
    expect(fake.counts.databasesCreated).toBe(0);
    // After the faults the same call succeeds.
    expect((await provider.createAuthDatabase(ctx)).alreadyExisted).toBe(false);
  });

  it("a write refused for a missing permission names it", async () => {
    const { provider, ctx } = await setup({ token: { permissions: ["account_settings", "d1", "pages"] } });
    const db = await provider.createAuthDatabase(ctx);
    const err = await failure(provider.deployAuthWorker(ctx, { databaseId: db.id }));
    expect(err).toMatchObject({
      code: "cloudflare_missing_permission",
      permission: "workers_scripts",
      transient: false,
    });
    expect(err.remediation).toContain("Account · Workers Scripts · Edit");
  });

  it("deletes idempotently and refuses to delete what is not ours", async () => {
    const { provider, ctx, fake, account } = await setup();
    await provider.infra.provision(ctx);
    await provider.deleteWorkerSecrets(ctx, ["SESSION_SECRET", "NEVER_PUT"]);
    expect(await provider.listWorkerSecrets(ctx)).toEqual([]);
    expect(await provider.deleteAuthWorker(ctx)).toEqual({ deleted: true });
    expect(await provider.deleteAuthWorker(ctx)).toEqual({ deleted: false });
    expect(await provider.deleteAuthDatabase(ctx)).toEqual({ deleted: true });
    expect(await provider.deleteAuthDatabase(ctx)).toEqual({ deleted: false });
    expect(await provider.deleteAuthDatabase(ctx, { recordedId: "7f0d1c3e-0000-4000-8000-000000000000" })).toEqual({
      deleted: false,
    });
    expect(account().databases.size + account().scripts.size).toBe(0);
    expect(await provider.infra.verify(ctx)).toMatchObject({ ok: false });

    fake.addScript(ACCOUNT, `onramp-${SLUG}-auth`, { tags: [] });
    fake.addDatabase(ACCOUNT, `onramp-${SLUG}-auth`, { tables: ["users"] });
    expect((await failure(provider.deleteAuthWorker(ctx))).code).toBe("cloudflare_not_ours");
    expect((await failure(provider.deleteAuthDatabase(ctx))).code).toBe("cloudflare_not_ours");
    expect(account().scripts.size + account().databases.size).toBe(2);
  });
});

describe("Pages", () => {
  const bundle = { "index.html": "<h1>Acme Pay</h1>", "assets/app.css": "h1{color:teal}" };

  it("direct upload: creates the project once, uploads the bundle, polls the deployment until it succeeds", async () => {
    const { provider, ctx, fake, account } = await setup();
    fake.setDeploymentBehaviour({ pollsInProgress: 3 });
    const project = await provider.createPagesProject(ctx, {
      vars: { API_URL: "https://api.example" },
      secrets: { AUTH_KEY: "k" },
    });
    expect(project).toMatchObject({
      name: `onramp-${SLUG}`,
      url: `https://onramp-${SLUG}.pages.dev`,
      source: "direct_upload",
      alreadyExisted: false,
    });
    expect(await provider.createPagesProject(ctx)).toMatchObject({ alreadyExisted: true });
    expect(fake.counts.projectsCreated).toBe(1);

    const deployment = await provider.createPagesDeployment(ctx, { files: bundle });
    expect(deployment).toMatchObject({ state: "in_progress", alreadyExisted: false });
    expect(account().projects.get(`onramp-${SLUG}`)!.deployments[0].manifest).toEqual({
      "/index.html": expect.any(String),
      "/assets/app.css": expect.any(String),
    });
    // A second call (a retried step) reuses the deployment instead of starting another.
    expect(await provider.createPagesDeployment(ctx, { files: bundle })).toMatchObject({
      id: deployment.id,
      alreadyExisted: true,
    });
    expect(fake.counts.deploymentsCreated).toBe(1);

    expect((await provider.getDeploymentStatus(ctx, deployment.id)).state).toBe("in_progress");
    const done = await provider.waitForDeployment(ctx, deployment.id);
    expect(done.state).toBe("success");
    expect(await provider.verifyPages(ctx, deployment.id)).toMatchObject({
      ok: true,
      url: `https://onramp-${SLUG}.pages.dev`,
    });
  });

  it("a deployment still in progress when the budget ends is transient, and the next call resumes the recorded id", async () => {
    const { provider, ctx, fake } = await setup();
    fake.setDeploymentBehaviour({ pollsInProgress: 1000 });
    await provider.createPagesProject(ctx);
    const started = await provider.createPagesDeployment(ctx, { files: bundle });
    expect(await failure(provider.waitForDeployment(ctx, started.id, { waitMs: 50 }))).toMatchObject({
      code: "cloudflare_deployment_in_progress",
      transient: true,
    });
    const resumed = await provider.createPagesDeployment(ctx, { recordedDeploymentId: started.id, files: bundle });
    expect(resumed).toMatchObject({ id: started.id, alreadyExisted: true });
    expect(fake.counts.deploymentsCreated).toBe(1);
  });

  it("a failed deployment is permanent cloudflare_deployment_failed", async () => {
    const { provider, ctx, fake } = await setup();
    fake.setDeploymentBehaviour({ pollsInProgress: 1, outcome: "failure" });
    await provider.createPagesProject(ctx);
    const d = await provider.createPagesDeployment(ctx, { files: bundle });
    expect(await failure(provider.waitForDeployment(ctx, d.id))).toMatchObject({
      code: "cloudflare_deployment_failed",
      transient: false,
    });
  });

  it("GitHub source: the project builds from the repository, no upload", async () => {
    const { provider, ctx, fake, account } = await setup();
    const project = await provider.createPagesProject(ctx, {
      github: { owner: "acme", repo: SLUG, productionBranch: "main" },
    });
    expect(project.source).toBe("github");
    expect(account().projects.get(`onramp-${SLUG}`)!.source).toMatchObject({
      type: "github",
      config: { owner: "acme", repo_name: SLUG },
    });
    const d = await provider.createPagesDeployment(ctx);
    expect((await provider.waitForDeployment(ctx, d.id)).state).toBe("success");
    expect(fake.requests.some((r) => r.path.includes("/pages/assets/"))).toBe(false);
  });

  it("a project of that name without the marker is someone else's: name taken on create, not ours on delete", async () => {
    const { provider, ctx, fake, account } = await setup();
    fake.addProject(ACCOUNT, `onramp-${SLUG}`, { envVars: { ONRAMP_PLATFORM: "another-slug" } });
    expect(await failure(provider.createPagesProject(ctx))).toMatchObject({
      code: "cloudflare_name_taken",
      transient: false,
    });
    expect((await failure(provider.deletePagesProject(ctx))).code).toBe("cloudflare_not_ours");
    expect(account().projects.size).toBe(1);
  });

  it("deletes the project idempotently", async () => {
    const { provider, ctx, account } = await setup();
    await provider.createPagesProject(ctx);
    expect(await provider.deletePagesProject(ctx)).toEqual({ deleted: true });
    expect(await provider.deletePagesProject(ctx)).toEqual({ deleted: false });
    expect(account().projects.size).toBe(0);
  });

  it("a 5xx while polling is transient", async () => {
    const { provider, ctx, fake } = await setup();
    await provider.createPagesProject(ctx);
    const d = await provider.createPagesDeployment(ctx, { files: bundle });
    fake.failNext("GET /accounts/*/pages/projects/*/deployments/*", { status: 502 });
    expect(await failure(provider.getDeploymentStatus(ctx, d.id))).toMatchObject({
      code: "cloudflare_unavailable",
      transient: true,
    });
  });
});

describe("infra.deprovision", () => {
  it("removes the Pages project, Worker and database; a second run finds nothing and succeeds", async () => {
    const { provider, ctx, account } = await setup();
    await provider.infra.provision(ctx);
    await provider.createPagesProject(ctx);
    await provider.infra.deprovision(ctx);
    expect(account().databases.size + account().scripts.size + account().projects.size).toBe(0);
    await provider.infra.deprovision(ctx);
  });

  it("a cancelled step stops without mapping the abort to a Cloudflare error", async () => {
    const { provider, ctx, controller, fake } = await setup();
    fake.failNext("GET /accounts/*/d1/database", { delayMs: 300 });
    const pending = provider.createAuthDatabase(ctx);
    setTimeout(() => controller.abort(new ProviderError("cancelled", "run cancelled", { transient: false })), 50);
    expect(await failure(pending)).toMatchObject({ code: "cancelled" });
  });
});
