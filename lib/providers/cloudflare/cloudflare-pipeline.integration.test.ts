// Over 400 lines on purpose: one scenario per lifecycle path of the Cloudflare provider through the real pipeline.
// The Cloudflare infrastructure provider through the real pipeline: a GitHub connection (the
// repository side, a local fake GitHub) and a Cloudflare connection (the infrastructure side, a
// local fake Cloudflare API), both created over the settings API; Verify Access, Bootstrap,
// Activate and Deprovision over the route handlers, executed by a pg-boss worker against
// PostgreSQL. Every resource lands in the ledger before it is relied on, and deprovision
// removes exactly what this onboarding created.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Short step budget so a Pages deployment wait outlives one attempt within seconds.
vi.hoisted(() => {
  process.env.STEP_TIMEOUT_MS = "5000";
  process.env.CLOUDFLARE_DEPLOYMENT_POLL_MS = "100";
});

import { db } from "@/lib/db/client";
import {
  callRoute,
  createWorkspaceWithMember,
  uniqueId,
  type CallOptions,
  type Member,
  type RouteHandler,
} from "@/test/fixtures";
import { startFakeGitHub, type FakeGitHub } from "@/test/fake-github/server";
import {
  ALL_PERMISSIONS,
  startFakeCloudflare,
  type FakeCloudflare,
  type FakePermission,
} from "@/test/fake-cloudflare/server";
import * as connections from "@/app/api/v1/connections/route";
import * as connectionItem from "@/app/api/v1/connections/[id]/route";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as activate from "@/app/api/v1/onboarding/[id]/activate/route";
import * as deprovision from "@/app/api/v1/onboarding/[id]/deprovision/route";
import * as resources from "@/app/api/v1/onboarding/[id]/resources/route";
import * as runRoute from "@/app/api/v1/operation-runs/[id]/route";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import { providersFor } from "@/lib/providers/resolve-providers";

const ORG = "acme-platforms";
const TEMPLATE = { owner: "acme", repo: "stack-template" };
const LOGIN = "onramp-bot";
const ACCOUNT = "0123456789abcdef0123456789abcdef";

let gh: FakeGitHub;
let cf: FakeCloudflare;
let owner: Member;
let outsider: Member;
let githubConnectionId: string;
const responses: string[] = [];

type Step = {
  key: string;
  status: string;
  attempts: number;
  error: { code: string } | null;
  result: Record<string, unknown> | null;
};

async function call(handler: RouteHandler, opts: Omit<CallOptions, "token">, as: Member = owner) {
  const res = await callRoute(handler, { ...opts, token: as.token });
  responses.push(typeof res.body === "string" ? res.body : JSON.stringify(res.body));
  return res;
}

beforeAll(async () => {
  gh = await startFakeGitHub({ host: "127.0.0.1", port: 0 });
  gh.addOrg(ORG, { membersCanCreateRepositories: false, membersCanCreatePrivateRepositories: false });
  gh.addRepo(TEMPLATE.owner, TEMPLATE.repo, { isTemplate: true, private: false, description: "Stack template" });
  cf = await startFakeCloudflare({ host: "127.0.0.1", port: 0 });
  cf.addAccount(ACCOUNT, { name: "Acme" });
  owner = await createWorkspaceWithMember("owner");
  outsider = await createWorkspaceWithMember("owner");

  const ghToken = `ghp_${uniqueId("tok").replace(/-/g, "")}${"x".repeat(20)}`;
  gh.addToken(ghToken, { login: LOGIN, scopes: ["repo", "workflow", "delete_repo"] });
  gh.addMembership(ORG, LOGIN, { role: "admin", state: "active" });
  const res = await call(connections.POST, {
    method: "POST",
    url: "http://localhost/api/v1/connections",
    body: {
      name: `GitHub ${uniqueId()}`,
      kind: "github",
      config: { org: ORG, templateOwner: TEMPLATE.owner, templateRepo: TEMPLATE.repo, baseUrl: gh.url },
      token: ghToken,
    },
  });
  expect(res.status).toBe(201);
  githubConnectionId = res.body.id;
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await gh?.close();
  await cf?.close();
});

async function cloudflareConnection(permissions: FakePermission[] = ALL_PERMISSIONS) {
  const token = `cf_${uniqueId("tok").replace(/-/g, "")}${"y".repeat(24)}`;
  cf.addToken(token, { accounts: [ACCOUNT], permissions });
  const res = await call(connections.POST, {
    method: "POST",
    url: "http://localhost/api/v1/connections",
    body: {
      name: `Cloudflare ${uniqueId()}`,
      kind: "cloudflare",
      config: { accountId: ACCOUNT, apiBaseUrl: cf.url },
      token,
    },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token };
}

/** An onboarding on the GitHub connection whose infrastructure connection is `infraConnectionId` (set in the database until the API takes it). */
async function onboarding(infraConnectionId: string | null, opts: { repoConnectionId?: string | null } = {}) {
  const slug = `cf-${uniqueId("p").slice(2)}`;
  const connectionId = opts.repoConnectionId === undefined ? githubConnectionId : opts.repoConnectionId;
  const res = await call(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    body: { platformName: `Platform ${slug}`, slug, tier: "starter", ...(connectionId ? { connectionId } : {}) },
  });
  expect(res.status).toBe(202);
  const id = res.body.onboardingId as string;
  await db().onboardingSession.update({ where: { id }, data: { infraConnectionId } });
  return { id, slug };
}

async function session(id: string) {
  const res = await call(item.GET, { url: `http://localhost/api/v1/onboarding/${id}`, params: { id } });
  expect(res.status).toBe(200);
  return res.body;
}

async function action(route: { POST: RouteHandler }, id: string, name: string, extra: Record<string, unknown> = {}) {
  const current = await session(id);
  return call(route.POST, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/${name}`,
    params: { id },
    body: { version: current.version, ...extra },
  });
}

async function runFinished(runId: string, timeoutMs = 50_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(runRoute.GET, {
      url: `http://localhost/api/v1/operation-runs/${runId}`,
      params: { id: runId },
    });
    expect(res.status).toBe(200);
    if (res.body.status === "completed") return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(res.body.steps)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function verified(id: string) {
  const v = await action(verify, id, "verify-access");
  expect(v.status).toBe(202);
  const run = await runFinished(v.body.run.id);
  expect(run.outcome, JSON.stringify(run.report?.checks)).toBe("succeeded");
  return run;
}

async function bootstrapped(id: string) {
  await verified(id);
  const b = await action(bootstrap, id, "bootstrap");
  expect(b.status).toBe(202);
  return runFinished(b.body.run.id);
}

const stepOf = (run: { steps: Step[] }, key: string) => run.steps.find((s) => s.key === key)!;

async function listResources(id: string, as: Member = owner) {
  return call(resources.GET, { url: `http://localhost/api/v1/onboarding/${id}/resources`, params: { id } }, as);
}

const account = () => cf.account(ACCOUNT)!;
const names = (slug: string) => ({
  database: `onramp-${slug}-auth`,
  worker: `onramp-${slug}-auth`,
  project: `onramp-${slug}`,
});
const databaseNamed = (name: string) => [...account().databases.values()].find((d) => d.name === name);

describe("Cloudflare infrastructure through the pipeline", () => {
  it("verifies, bootstraps (D1, Worker, secret, Pages from the GitHub repository), records every resource, and activates", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id);
    const n = names(slug);

    const v = await verified(id);
    const checks = v.report.checks as { key: string; status: string }[];
    expect(checks.filter((c) => c.key.startsWith("cloudflare_")).every((c) => c.status === "pass")).toBe(true);
    expect(databaseNamed(n.database)).toBeUndefined(); // Verify Access only reads

    const b = await action(bootstrap, id, "bootstrap");
    const run = await runFinished(b.body.run.id);
    expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");

    // On Cloudflare: one database with Onramp's marker, one Worker bound to it with its secret,
    // one Pages project built from the GitHub repository, one successful deployment.
    const database = databaseNamed(n.database)!;
    expect([...database.tables.keys()]).toContain("_onramp_owner");
    const script = account().scripts.get(n.worker)!;
    expect(script.bindings).toEqual([expect.objectContaining({ type: "d1", id: database.uuid })]);
    const secretValue = script.secrets.get("SESSION_SECRET")!.text;
    expect(secretValue.length).toBeGreaterThanOrEqual(32);
    const project = account().projects.get(n.project)!;
    expect(project.source).toMatchObject({ type: "github", config: { owner: ORG, repo_name: slug } });
    expect(project.deployments).toHaveLength(1);

    // The platform is live at the Pages URL.
    const done = await session(id);
    const platform = await db().platform.findUniqueOrThrow({ where: { id: done.platformId } });
    expect(platform).toMatchObject({ status: "active", deploymentUrl: `https://${n.project}.pages.dev` });
    expect(stepOf(run, "verify").result).toMatchObject({ environmentUrl: `https://${n.project}.pages.dev` });

    // The ledger, in creation order, with console links.
    const listed = await listResources(id);
    expect(listed.status).toBe(200);
    const items = listed.body.items as {
      provider: string;
      type: string;
      name: string;
      externalId: string;
      preExisted: boolean;
      stepKey: string;
      runId: string;
      consoleUrl: string | null;
    }[];
    expect(items.map((r) => [r.provider, r.type, r.stepKey])).toEqual([
      ["cloudflare", "d1_database", "provision_infra"],
      ["cloudflare", "worker_script", "provision_infra"],
      ["cloudflare", "worker_secret", "provision_infra"],
      ["github", "repository", "setup_repo"],
      ["cloudflare", "pages_project", "deploy_services"],
      ["cloudflare", "pages_deployment", "deploy_services"],
    ]);
    expect(items.every((r) => !r.preExisted && r.runId === run.id)).toBe(true);
    expect(items[0]).toMatchObject({
      externalId: database.uuid,
      consoleUrl: `https://dash.cloudflare.com/${ACCOUNT}/workers/d1/databases/${database.uuid}`,
    });
    expect(items[1].consoleUrl).toBe(
      `https://dash.cloudflare.com/${ACCOUNT}/workers/services/view/${n.worker}/production`,
    );
    expect(items[3]).toMatchObject({ name: `${ORG}/${slug}`, consoleUrl: `${gh.url}/_web/${ORG}/${slug}` });
    expect(items[4].consoleUrl).toBe(`https://dash.cloudflare.com/${ACCOUNT}/pages/view/${n.project}`);
    expect(items[5].externalId).toBe(project.deployments[0].id);

    // The Worker secret is stored encrypted: its value is in no database row and no response.
    const rows = await db().resource.findMany({ where: { sessionId: id } });
    expect(JSON.stringify(rows)).not.toContain(secretValue);
    expect(JSON.stringify(rows.find((r) => r.type === "worker_secret")!.data)).toMatch(/"ciphertext":"v1\./);
    for (const body of responses) {
      expect(body).not.toContain(secretValue);
      expect(body).not.toContain(conn.token);
      expect(body).not.toContain("ciphertext");
    }

    // Another workspace cannot see the ledger: not found, not forbidden.
    expect((await listResources(id, outsider)).status).toBe(404);

    const a = await action(activate, id, "activate");
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect((await session(id)).lifecycleState).toBe("active");
  });

  it("with a simulated repository, uploads the stack template's static bundle to a direct-upload Pages project", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id, { repoConnectionId: null });
    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 10 } } });
    const run = await bootstrapped(id);
    expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");
    const project = account().projects.get(names(slug).project)!;
    expect(project.source).toBeNull();
    expect(project.deployments).toHaveLength(1);
    expect(Object.keys(project.deployments[0].manifest).sort()).toEqual(["/index.html", "/style.css"]);
    const items = (await listResources(id)).body.items as { provider: string; type: string }[];
    expect(items.map((r) => `${r.provider}:${r.type}`)).toEqual([
      "cloudflare:d1_database",
      "cloudflare:worker_script",
      "cloudflare:worker_secret",
      "simulated:repository",
      "cloudflare:pages_project",
      "cloudflare:pages_deployment",
    ]);
    const platform = await db().platform.findFirstOrThrow({ where: { slug, workspaceId: owner.workspace.id } });
    expect(platform.deploymentUrl).toBe(`https://${names(slug).project}.pages.dev`);
  });

  it("deprovision: the dry run plans newest-first and changes nothing; the run deletes what it created on both fakes and keeps the database it adopted", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id);
    const n = names(slug);
    // An empty database of that name was already there (a create someone abandoned): adopted, not created.
    const adopted = cf.addDatabase(ACCOUNT, n.database);
    const run = await bootstrapped(id);
    expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");
    expect(stepOf(run, "provision_infra").result).toMatchObject({ resources: { databaseId: adopted } });

    const cancelled = await action(cancel, id, "cancel");
    expect(cancelled.status).toBe(200);
    // The connection is needed to remove what was created through it.
    const deleteConnection = () =>
      call(connectionItem.DELETE, {
        method: "DELETE",
        url: `http://localhost/api/v1/connections/${conn.id}`,
        params: { id: conn.id },
      });
    const refused = await deleteConnection();
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reasonCode: "connection_has_resources", onboardingIds: [id] });
    const deletesBefore = cf.counts.deletes;
    const ghRequestsBefore = gh.requests.length;

    const dry = await call(deprovision.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/deprovision`,
      params: { id },
      body: { dryRun: true },
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.delete.map((i: { order: number; type: string }) => [i.order, i.type])).toEqual([
      [1, "pages_deployment"],
      [2, "pages_project"],
      [3, "repository"],
      [4, "worker_secret"],
      [5, "worker_script"],
    ]);
    expect(dry.body.keep).toEqual([
      expect.objectContaining({ type: "d1_database", externalId: adopted, reason: "pre_existed" }),
    ]);
    // Nothing changed anywhere.
    expect(cf.counts.deletes).toBe(deletesBefore);
    expect(gh.requests.slice(ghRequestsBefore).filter((r) => r.method === "DELETE")).toEqual([]);
    expect(account().projects.has(n.project) && account().scripts.has(n.worker) && !!gh.repo(ORG, slug)).toBe(true);
    expect(await db().resource.count({ where: { sessionId: id, deletedAt: { not: null } } })).toBe(0);
    expect(await db().operationRun.count({ where: { sessionId: id, kind: "deprovision" } })).toBe(0);

    // Another workspace gets "not found" for the plan too.
    const foreign = await call(
      deprovision.POST,
      {
        method: "POST",
        url: `http://localhost/api/v1/onboarding/${id}/deprovision`,
        params: { id },
        body: { dryRun: true },
      },
      outsider,
    );
    expect(foreign.status).toBe(404);

    const d = await action(deprovision, id, "deprovision");
    expect(d.status).toBe(202);
    const done = await runFinished(d.body.run.id);
    expect(done.outcome, JSON.stringify(done.steps)).toBe("succeeded");
    expect(done.steps.map((s: Step) => s.key)).toEqual(["delete_resources", "retire_platform"]);

    // Gone on both fakes; the adopted database (and its data) stays.
    expect(account().projects.has(n.project)).toBe(false);
    expect(account().scripts.has(n.worker)).toBe(false);
    expect(gh.repo(ORG, slug)).toBeUndefined();
    expect(account().databases.get(adopted)).toBeDefined();
    const rows = await db().resource.findMany({ where: { sessionId: id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.type, !!r.deletedAt])).toEqual([
      ["d1_database", false],
      ["worker_script", true],
      ["worker_secret", true],
      ["repository", true],
      ["pages_project", true],
      ["pages_deployment", true],
    ]);
    const platform = await db().platform.findFirstOrThrow({ where: { slug, workspaceId: owner.workspace.id } });
    expect(platform.status).toBe("deprovisioned");
    // Only the adopted database is left, and it is not the connection's to remove.
    expect((await deleteConnection()).status).toBe(204);
  });

  it("deprovisions what it created when the database was created by this onboarding (it is deleted too)", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id);
    expect((await bootstrapped(id)).outcome).toBe("succeeded");
    const uuid = databaseNamed(names(slug).database)!.uuid;
    await action(cancel, id, "cancel");
    const dry = await call(deprovision.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/deprovision`,
      params: { id },
      body: { dryRun: true },
    });
    expect(dry.body.delete.at(-1)).toMatchObject({ type: "d1_database", externalId: uuid, order: 6 });
    expect(dry.body.keep).toEqual([]);
    const d = await action(deprovision, id, "deprovision");
    expect((await runFinished(d.body.run.id)).outcome).toBe("succeeded");
    expect(account().databases.has(uuid)).toBe(false);
  });

  it("retries a 429 after the Retry-After Cloudflare asked for, and a 5xx, then succeeds", async () => {
    const conn = await cloudflareConnection();
    const { id } = await onboarding(conn.id);
    await verified(id);
    cf.failNext("POST /accounts/*/d1/database", { status: 429, retryAfter: 2 });
    cf.failNext("PUT /accounts/*/workers/scripts/*", { status: 503 });
    const b = await action(bootstrap, id, "bootstrap");
    const run = await runFinished(b.body.run.id);
    expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");
    const step = stepOf(run, "provision_infra");
    expect(step.attempts).toBe(3);
    const logs = await db().operationRunLog.findMany({
      where: { runId: run.id, stepKey: "provision_infra" },
      orderBy: { id: "asc" },
    });
    const at = (text: string) => logs.find((l) => l.message.includes(text))!.at.getTime();
    expect(logs.some((l) => l.message.includes("cloudflare_rate_limited"))).toBe(true);
    expect(logs.some((l) => l.message.includes("cloudflare_unavailable"))).toBe(true);
    // The base backoff is 0.5 s: the 2 s wait is Cloudflare's Retry-After.
    expect(at("attempt 2") - at("cloudflare_rate_limited")).toBeGreaterThanOrEqual(1900);
  });

  it("a token lacking the Pages permission fails exactly that check, with its remediation, and Bootstrap stays blocked", async () => {
    const conn = await cloudflareConnection(["account_settings", "d1", "workers_scripts"]);
    const { id, slug } = await onboarding(conn.id);
    const v = await action(verify, id, "verify-access");
    const run = await runFinished(v.body.run.id);
    expect(run.outcome).toBe("blocked");
    const checks = run.report.checks as { key: string; status: string; reasonCode?: string; remediation?: string }[];
    const failed = checks.filter((c) => c.status === "fail");
    expect(failed).toEqual([
      expect.objectContaining({
        key: "cloudflare_permission_pages",
        reasonCode: "cloudflare_missing_permission",
        remediation: expect.stringContaining("Account · Cloudflare Pages · Edit"),
      }),
    ]);
    expect(await session(id)).toMatchObject({
      lifecycleState: "action_required",
      blockingReasonCode: "cloudflare_missing_permission",
    });
    const b = await action(bootstrap, id, "bootstrap");
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({ reasonCode: "not_ready_for_bootstrap" });
    expect(databaseNamed(names(slug).database)).toBeUndefined();
  });

  it("a Pages project name taken by someone else fails deploy_services permanently with cloudflare_name_taken", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id);
    await verified(id);
    // Taken between Verify Access and Bootstrap, by a project without Onramp's marker.
    cf.addProject(ACCOUNT, names(slug).project, { envVars: { SOMEONE: "else" } });
    const b = await action(bootstrap, id, "bootstrap");
    const run = await runFinished(b.body.run.id);
    expect(run.outcome).toBe("failed");
    expect(run.reasonCode).toBe("step_failed:deploy_services");
    expect(stepOf(run, "deploy_services")).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "cloudflare_name_taken", remediation: expect.stringContaining("not created by Onramp") },
    });
    // The foreign project is not in the ledger, so deprovision would never touch it.
    expect(await db().resource.count({ where: { sessionId: id, type: "pages_project" } })).toBe(0);
  });

  it("a deployment wait cut short resumes the recorded deployment: nothing is created twice", async () => {
    const conn = await cloudflareConnection();
    const { id, slug } = await onboarding(conn.id);
    await verified(id);
    const before = { ...cf.counts };
    // 30 polls × 100 ms outlive one attempt's wait (5 s step budget → 2 s wait).
    cf.setDeploymentBehaviour({ pollsInProgress: 30, outcome: "success" });
    try {
      const b = await action(bootstrap, id, "bootstrap");
      const run = await runFinished(b.body.run.id);
      expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");
      const step = stepOf(run, "deploy_services");
      expect(step.attempts).toBeGreaterThanOrEqual(2);
      expect(run.log.some((l: { message: string }) => l.message.includes("cloudflare_deployment_in_progress"))).toBe(
        true,
      );
      expect(run.log.some((l: { message: string }) => l.message.includes("Resuming Pages deployment"))).toBe(true);
    } finally {
      cf.setDeploymentBehaviour({ pollsInProgress: 0, outcome: "success" });
    }
    expect(cf.counts.projectsCreated - before.projectsCreated).toBe(1);
    expect(cf.counts.deploymentsCreated - before.deploymentsCreated).toBe(1);
    expect(cf.counts.databasesCreated - before.databasesCreated).toBe(1);
    expect(account().projects.get(names(slug).project)!.deployments).toHaveLength(1);
    expect(await db().resource.count({ where: { sessionId: id } })).toBe(6);
  });

  it("refuses to delete a Cloudflare connection an open onboarding uses as its infrastructure connection", async () => {
    const conn = await cloudflareConnection();
    const { id } = await onboarding(conn.id);
    const res = await call(connectionItem.DELETE, {
      method: "DELETE",
      url: `http://localhost/api/v1/connections/${conn.id}`,
      params: { id: conn.id },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reasonCode: "connection_in_use", onboardingIds: [id] });
    expect(await db().providerConnection.count({ where: { id: conn.id } })).toBe(1);
  });

  it("refuses a GitHub connection as the infrastructure connection (connection_wrong_role), and a vanished one (connection_missing)", async () => {
    const wrong = await onboarding(githubConnectionId);
    const v = await action(verify, wrong.id, "verify-access");
    const run = await runFinished(v.body.run.id);
    expect(run.steps[0]).toMatchObject({
      key: "check_infrastructure",
      status: "failed",
      error: { code: "connection_wrong_role" },
    });

    // The foreign key nulls a deleted connection; a session read just before the delete still names it.
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id: wrong.id } });
    const err = await providersFor({ ...row, infraConnectionId: "deleted-connection" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "connection_missing", transient: false });
  });
});
