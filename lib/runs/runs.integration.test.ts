// Verify Access and Bootstrap executed by a real pg-boss worker against PostgreSQL with the
// simulated provider: happy path, injected failure and resume, cancel, dedupe, webhooks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as resume from "@/app/api/v1/onboarding/[id]/resume/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as activate from "@/app/api/v1/onboarding/[id]/activate/route";
import * as deprovision from "@/app/api/v1/onboarding/[id]/deprovision/route";
import * as runRoute from "@/app/api/v1/operation-runs/[id]/route";
import { startWorker } from "./worker";
import { stopQueue } from "@/lib/queue/queue";
import { encryptSecret } from "@/lib/crypto/secrets";
import { verifySignature } from "@/lib/webhooks/sign";
import { waitFor } from "@/test/wait-for";

type Member = Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let owner: Member;
let receiver: Server;
let receiverUrl = "";
const received: { event: string; body: string; signature: string }[] = [];
const WEBHOOK_SECRET = "whsec_test_secret";

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({
        event: String(req.headers["onramp-event"]),
        body,
        signature: String(req.headers["onramp-signature"]),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  const id = crypto.randomUUID();
  await db().webhookEndpoint.create({
    data: {
      id,
      workspaceId: owner.workspace.id,
      url: receiverUrl,
      secretCiphertext: encryptSecret(WEBHOOK_SECRET, id),
      events: ["onboarding.completed", "onboarding.failed", "onboarding.cancelled", "onboarding.activated"],
    },
  });
  await startWorker({ concurrency: 4 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await new Promise((r) => receiver.close(r));
});

const slug = () => `r-${Math.random().toString(36).slice(2, 8)}`;

async function createSession(simulation: Record<string, unknown> = {}) {
  const res = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "Run Test", slug: slug(), tier: "growth", simulation: { stepDelayMs: 20, ...simulation } },
  });
  expect(res.status).toBe(202);
  return res.body.onboardingId as string;
}

async function session(id: string) {
  return (
    await callRoute(item.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding/${id}`,
      token: owner.token,
      params: { id },
    })
  ).body;
}

async function action(
  route: { POST: Parameters<typeof callRoute>[0] },
  id: string,
  name: string,
  body: Record<string, unknown> = {},
) {
  const current = await session(id);
  return callRoute(route.POST, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/${name}`,
    token: owner.token,
    params: { id },
    body: { version: current.version, ...body },
  });
}

const runFinished = (runId: string) =>
  waitFor(`run ${runId}`, async () => {
    const run = await db().operationRun.findUnique({
      where: { id: runId },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    return run?.status === "completed" ? run : null;
  });

async function verifyAndBootstrap(id: string) {
  const v = await action(verify, id, "verify-access");
  expect(v.status).toBe(202);
  const vr = await runFinished(v.body.run.id);
  expect(vr.outcome).toBe("succeeded");
  expect((await session(id)).lifecycleState).toBe("ready_for_bootstrap");
  const b = await action(bootstrap, id, "bootstrap");
  expect(b.status).toBe(202);
  return runFinished(b.body.run.id);
}

describe("operation runs", () => {
  it("runs the happy path to completed, then activates, with signed webhooks", async () => {
    const id = await createSession();
    const run = await verifyAndBootstrap(id);
    expect(run.outcome).toBe("succeeded");
    expect(run.steps.map((s) => [s.key, s.status, s.attempts])).toEqual([
      ["create_platform", "succeeded", 1],
      ["provision_infra", "succeeded", 1],
      ["setup_repo", "succeeded", 1],
      ["deploy_services", "succeeded", 1],
      ["verify", "succeeded", 1],
    ]);
    const done = await session(id);
    expect(done).toMatchObject({
      status: "completed",
      lifecycleState: "ready_for_activation",
      currentCheckpoint: "activate",
    });
    expect(done.steps.every((s: { status: string }) => s.status === "completed")).toBe(true);
    // What each step found or made is on the platform record (written with each step's success).
    const { platformId, slug: platformSlug } = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    const built = await db().platform.findUniqueOrThrow({ where: { id: platformId! } });
    expect(built).toMatchObject({
      status: "active",
      repoUrl: `https://git.example.test/onramp-sim/${platformSlug}`,
      deploymentUrl: `https://${platformSlug}.pages.example.test`,
      resources: {
        infra: { database: `sim-d1-${platformSlug}` },
        repository: { fullName: `onramp-sim/${platformSlug}` },
        deployment: { environmentUrl: `https://${platformSlug}.pages.example.test` },
      },
    });

    const detail = await callRoute(runRoute.GET, {
      method: "GET",
      url: `http://localhost/api/v1/operation-runs/${run.id}`,
      token: owner.token,
      params: { id: run.id },
    });
    expect(detail.body.steps[0]).toMatchObject({ key: "create_platform", status: "succeeded", attempts: 1 });
    expect(detail.body.log.length).toBeGreaterThan(5);

    const act = await action(activate, id, "activate");
    expect(act.status).toBe(200);
    expect(act.body).toMatchObject({ lifecycleState: "active", status: "completed" });
    const platform = await db().platform.findUniqueOrThrow({ where: { id: act.body.platformId } });
    expect(platform.status).toBe("active");

    const hooks = await waitFor("webhooks", async () => {
      const mine = received.filter((r) => r.body.includes(id));
      return mine.length >= 2 ? mine : null;
    });
    expect(hooks.map((h) => h.event).sort()).toEqual(["onboarding.activated", "onboarding.completed"]);
    for (const h of hooks) expect(verifySignature(WEBHOOK_SECRET, h.body, h.signature)).toBe(true);
    expect(verifySignature("whsec_wrong", hooks[0].body, hooks[0].signature)).toBe(false);
  });

  it("fails at the injected step with its error, and resume finishes without re-running earlier steps", async () => {
    const id = await createSession({ failStep: "setup_repo", failTimes: 1 });
    const failed = await verifyAndBootstrap(id);
    expect(failed.outcome).toBe("failed");
    expect(failed.reasonCode).toBe("step_failed:setup_repo");
    const s = await session(id);
    expect(s).toMatchObject({
      status: "failed",
      lifecycleState: "bootstrap_failed",
      reasonCode: "step_failed:setup_repo",
    });
    expect(s.steps[2]).toMatchObject({
      key: "setup_repo",
      status: "failed",
      result: { error: { code: "simulated_failure" } },
    });
    expect(s.steps.slice(3).map((x: { status: string }) => x.status)).toEqual(["skipped", "skipped"]);
    // What may happen next, as the server enforces it.
    expect(s.actions.resume).toEqual({ allowed: true });
    expect(s.actions.bootstrap).toMatchObject({ allowed: false, reasonCode: "not_ready_for_bootstrap" });
    expect(s.actions.saveDraft).toMatchObject({ allowed: false, reasonCode: "identity_locked" });

    const r = await action(resume, id, "resume");
    expect(r.status).toBe(202);
    expect(r.body.session.actions.resume).toMatchObject({ allowed: false, reasonCode: "run_active" });
    expect(r.body.session.actions.cancelRun).toEqual({ allowed: true });
    const resumed = await runFinished(r.body.run.id);
    expect(resumed.id).toBe(failed.id);
    expect(resumed.outcome).toBe("succeeded");
    expect(resumed.attempt).toBe(2);
    expect(resumed.steps.map((x) => [x.key, x.attempts])).toEqual([
      ["create_platform", 1],
      ["provision_infra", 1],
      ["setup_repo", 2],
      ["deploy_services", 1],
      ["verify", 1],
    ]);
    const resources = await db().simulatedResource.findMany({
      where: { workspaceId: owner.workspace.id, name: s.slug },
    });
    expect(resources.map((x) => x.kind).sort()).toEqual(["deployment", "infra", "repository"]);
    expect(received.some((h) => h.event === "onboarding.failed" && h.body.includes(id))).toBe(true);
  });

  it("activates a failed bootstrap only with an override, a written reason and the override capability", async () => {
    const id = await createSession({ failStep: "verify", failTimes: 0 });
    const failed = await verifyAndBootstrap(id);
    expect(failed.reasonCode).toBe("step_failed:verify");

    const plain = await action(activate, id, "activate");
    expect(plain.status).toBe(409);
    const noReason = await action(activate, id, "activate", { override: true });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: "reason" })]);

    const operator = await createWorkspaceWithMember("operator", owner.workspace.id);
    const current = await session(id);
    expect(current.actions.overrideActivate).toEqual({ allowed: true });
    expect(current.actions.activate).toMatchObject({ allowed: false, reasonCode: "not_ready_for_activation" });
    const asOperator = await callRoute(item.GET, {
      method: "GET",
      url: `http://localhost/api/v1/onboarding/${id}`,
      token: operator.token,
      params: { id },
    });
    expect(asOperator.body.actions.overrideActivate).toMatchObject({ allowed: false, reasonCode: "role_forbidden" });
    const refused = await callRoute(activate.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/activate`,
      token: operator.token,
      params: { id },
      body: { version: current.version, override: true, reason: "Verified the deployment by hand" },
    });
    expect(refused.status).toBe(403);
    expect((await session(id)).version).toBe(current.version);

    const ok = await action(activate, id, "activate", { override: true, reason: "Verified the deployment by hand" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      lifecycleState: "active",
      activationOverrideReason: "Verified the deployment by hand",
    });
    const events = await db().auditEvent.findMany({
      where: { targetId: id, action: "onboarding.activated_with_override" },
    });
    expect(events).toEqual([
      expect.objectContaining({ reason: "Verified the deployment by hand", actorUserId: owner.user.id }),
    ]);
  });

  it("cancels a running bootstrap promptly and deprovisions what it created", async () => {
    const id = await createSession();
    const v = await action(verify, id, "verify-access");
    await runFinished(v.body.run.id);
    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 3000 } } });
    const b = await action(bootstrap, id, "bootstrap");
    await waitFor(
      "provision_infra running",
      async () =>
        (await db().operationRunStep.findFirst({
          where: { runId: b.body.run.id, key: "provision_infra", status: "running" },
        })) ?? null,
    );
    const started = Date.now();
    const c = await action(cancel, id, "cancel", { reason: "changed our mind" });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "cancelled", lifecycleState: "cancelled", deprovisionAvailable: true });
    const run = await runFinished(b.body.run.id);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(run.outcome).toBe("cancelled");
    expect(run.steps.find((x) => x.key === "provision_infra")?.status).toBe("cancelled");
    expect(run.steps.find((x) => x.key === "setup_repo")?.status).toBe("cancelled");

    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 10 } } });
    const d = await action(deprovision, id, "deprovision");
    expect(d.status).toBe(202);
    const dr = await runFinished(d.body.run.id);
    expect(dr.outcome).toBe("succeeded");
    const s = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(await db().simulatedResource.count({ where: { workspaceId: owner.workspace.id, name: s.slug } })).toBe(0);
  });

  it("deduplicates concurrent starts into one active run", async () => {
    const id = await createSession({ stepDelayMs: 500 });
    const current = await session(id);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        callRoute(verify.POST, {
          method: "POST",
          url: `http://localhost/api/v1/onboarding/${id}/verify-access`,
          token: owner.token,
          params: { id },
          body: { version: current.version },
        }),
      ),
    );
    const runIds = new Set(results.map((r) => r.body.run?.id));
    expect(results.every((r) => r.status === 202 || r.status === 200)).toBe(true);
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(runIds.size).toBe(1);
    expect(await db().operationRun.count({ where: { sessionId: id } })).toBe(1);
    // Later starts while it runs, on the version it started from (stale now) or the current one,
    // answer 200 with the same run.
    for (const version of [current.version, (await session(id)).version]) {
      const again = await callRoute(verify.POST, {
        method: "POST",
        url: `http://localhost/api/v1/onboarding/${id}/verify-access`,
        token: owner.token,
        params: { id },
        body: { version },
      });
      expect([again.status, again.body.run?.id, again.body.deduplicated]).toEqual([200, [...runIds][0], true]);
    }
    await runFinished([...runIds][0]);
  });

  it("reports a failing access check as action required with its reason code", async () => {
    const id = await createSession({ failCheck: "repo_create_permission" });
    const v = await action(verify, id, "verify-access");
    const run = await runFinished(v.body.run.id);
    expect(run.outcome).toBe("blocked");
    const report = run.report as { checks: { key: string; status: string; remediation?: string }[] };
    expect(report.checks.find((c) => c.key === "repo_create_permission")).toMatchObject({ status: "fail" });
    expect(report.checks.find((c) => c.key === "repo_create_permission")?.remediation).toBeTruthy();
    expect(await session(id)).toMatchObject({
      lifecycleState: "action_required",
      blockingReasonCode: "simulated_repo_create_permission_failed",
    });
    const b = await action(bootstrap, id, "bootstrap");
    expect(b.status).toBe(409);
    expect(b.body.reasonCode).toBe("not_ready_for_bootstrap");
  });
});
