// kill -9 of a worker process while deploy_services waits for the first Pages deployment: the
// next worker re-runs the step, finds the deployment id the ledger recorded before the wait,
// resumes waiting for it, and nothing is created twice on the (fake) Cloudflare account.
// (Workers run under `node --import tsx` so SIGKILL hits the process that executes the step.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import { startFakeCloudflare, type FakeCloudflare } from "@/test/fake-cloudflare/server";
import * as connections from "@/app/api/v1/connections/route";
import * as collection from "@/app/api/v1/onboarding/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { stopQueue } from "@/lib/queue/queue";
import { waitFor } from "@/test/wait-for";
import { workerProcesses } from "@/test/worker-processes";

const ACCOUNT = "fedcba9876543210fedcba9876543210";
let cf: FakeCloudflare;
let owner: Member;

const workerPool = workerProcesses({
  WORKER_CONCURRENCY: "2",
  CLOUDFLARE_DEPLOYMENT_POLL_MS: "200",
  SIMULATED_STEP_DELAY_MS: "20",
});
const startWorkerProcess = (name?: string) => workerPool.start(name);

beforeAll(async () => {
  cf = await startFakeCloudflare({ host: "127.0.0.1", port: 0 });
  cf.addAccount(ACCOUNT);
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  workerPool.killAll();
  await stopQueue({ graceful: false });
  await cf?.close();
});

describe("crash safety on Cloudflare", () => {
  it("resumes the recorded Pages deployment after kill -9 mid-deploy_services; nothing is created twice", async () => {
    const token = `cf_${uniqueId("tok").replace(/-/g, "")}${"z".repeat(24)}`;
    cf.addToken(token, { accounts: [ACCOUNT] });
    const conn = await callRoute(connections.POST, {
      method: "POST",
      url: "http://localhost/api/v1/connections",
      token: owner.token,
      body: { name: "Cloudflare crash", kind: "cloudflare", config: { accountId: ACCOUNT, apiBaseUrl: cf.url }, token },
    });
    expect(conn.status).toBe(201);
    const slug = `crash-${uniqueId("c").slice(2)}`;
    const created = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: { platformName: "Crash on Cloudflare", slug, tier: "starter", simulation: { stepDelayMs: 20 } },
    });
    const id = created.body.onboardingId as string;
    await db().onboardingSession.update({ where: { id }, data: { infraConnectionId: conn.body.id } });
    const workerA = startWorkerProcess("A");

    let session = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    const v = await callRoute(verify.POST, {
      method: "POST",
      url: "http://x/verify-access",
      token: owner.token,
      params: { id },
      body: { version: session.version },
    });
    expect(v.status).toBe(202);
    const verified = await waitFor(
      "verification",
      async () => db().operationRun.findFirst({ where: { id: v.body.run.id, status: "completed" } }),
      90_000,
    );
    expect(verified.outcome).toBe("succeeded");

    // The first deployment stays in progress until the test lets it finish.
    cf.setDeploymentBehaviour({ pollsInProgress: 1_000_000, outcome: "success" });
    session = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    const b = await callRoute(bootstrap.POST, {
      method: "POST",
      url: "http://x/bootstrap",
      token: owner.token,
      params: { id },
      body: { version: session.version },
    });
    expect(b.status).toBe(202);
    const runId = b.body.run.id as string;

    const recorded = await waitFor(
      "the Pages deployment to be recorded while worker A waits for it",
      async () => db().resource.findFirst({ where: { sessionId: id, type: "pages_deployment" } }),
      90_000,
    );
    const before = { ...cf.counts };
    expect(before.deploymentsCreated).toBe(1);
    workerA.kill("SIGKILL");
    // The deployment finishes while no worker is watching.
    const project = cf.account(ACCOUNT)!.projects.get(`onramp-${slug}`)!;
    for (const d of project.deployments) d.pollsLeft = 0;
    cf.setDeploymentBehaviour({ pollsInProgress: 0, outcome: "success" });
    startWorkerProcess("B");

    const run = await waitFor(
      "the run to finish in worker B",
      async () =>
        db().operationRun.findFirst({
          where: { id: runId, status: "completed" },
          include: { steps: { orderBy: { position: "asc" } }, logs: true },
        }),
      120_000,
    );
    expect(run.outcome, JSON.stringify(run.steps)).toBe("succeeded");
    const deploy = run.steps.find((s) => s.key === "deploy_services")!;
    expect(deploy.attempts).toBeGreaterThanOrEqual(2);
    expect(run.logs.some((l) => l.message.includes(`Resuming Pages deployment ${recorded.externalId}`))).toBe(true);

    // Nothing twice: one database, one Worker upload round, one project, one deployment.
    expect(cf.counts.deploymentsCreated).toBe(1);
    expect(cf.counts.projectsCreated).toBe(1);
    expect(cf.counts.databasesCreated).toBe(1);
    expect(project.deployments).toHaveLength(1);
    const rows = await db().resource.findMany({ where: { sessionId: id } });
    expect(rows.map((r) => r.type).sort()).toEqual([
      "d1_database",
      "pages_deployment",
      "pages_project",
      "repository",
      "worker_script",
      "worker_secret",
    ]);
    expect(rows.find((r) => r.type === "pages_deployment")!.externalId).toBe(recorded.externalId);
    const platform = await db().platform.findFirstOrThrow({ where: { slug, workspaceId: owner.workspace.id } });
    expect(platform.deploymentUrl).toBe(`https://onramp-${slug}.pages.dev`);
  }, 300_000);
});
