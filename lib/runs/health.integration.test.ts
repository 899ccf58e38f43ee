// Run health against PostgreSQL and a real pg-boss worker: healthy → retrying → healthy while a
// provider rate-limits, stalled while no worker runs (list filter, one onboarding.stalled
// webhook per stall), and re-verify before resume.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createServer, type Server } from "node:http";

vi.hoisted(() => {
  // Read when lib/runs/definitions.ts loads: a stall is reported after 1.5 s without progress.
  process.env.RUN_STALL_AFTER_MS = "1500";
});

import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as resume from "@/app/api/v1/onboarding/[id]/resume/route";
import * as runRoute from "@/app/api/v1/operation-runs/[id]/route";
import { startWorker } from "./worker";
import { stopQueue } from "@/lib/queue/queue";
import { encryptSecret } from "@/lib/crypto/secrets";
import { sweepRuns } from "./sweep";
import { waitFor } from "@/test/wait-for";

type Member = Awaited<ReturnType<typeof createWorkspaceWithMember>>;
let owner: Member;
let receiver: Server;
const received: { event: string; body: string }[] = [];
let worker: { stop: () => Promise<void> } | null = null;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ event: String(req.headers["onramp-event"]), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  const id = crypto.randomUUID();
  await db().webhookEndpoint.create({
    data: {
      id,
      workspaceId: owner.workspace.id,
      url,
      secretCiphertext: encryptSecret("whsec_health", id),
      events: ["onboarding.stalled"],
    },
  });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await new Promise((r) => receiver.close(r));
});

const slug = () => `h-${Math.random().toString(36).slice(2, 8)}`;

async function createSession(simulation: Record<string, unknown> = {}) {
  const res = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "Health Test", slug: slug(), tier: "growth", simulation: { stepDelayMs: 20, ...simulation } },
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

async function list(query: string) {
  const res = await callRoute(collection.GET, {
    method: "GET",
    url: `http://localhost/api/v1/onboarding?${query}`,
    token: owner.token,
  });
  expect(res.status).toBe(200);
  return res.body.items as { id: string; health: { status: string } | null }[];
}

async function action(route: { POST: Parameters<typeof callRoute>[0] }, id: string, name: string) {
  const current = await session(id);
  return callRoute(route.POST, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/${name}`,
    token: owner.token,
    params: { id },
    body: { version: current.version },
  });
}

const runFinished = (runId: string) =>
  waitFor(`run ${runId}`, async () => {
    const run = await db().operationRun.findUnique({ where: { id: runId } });
    return run?.status === "completed" ? run : null;
  });

describe("run health", () => {
  it("is stalled while no worker runs: shown on the session, filtered in the list, announced once", async () => {
    const id = await createSession();
    const v = await action(verify, id, "verify-access");
    expect(v.status).toBe(202);
    expect((await session(id)).health).toMatchObject({ status: "healthy", runKind: "verify_access" });

    const stalled = await waitFor("the session to read stalled", async () => {
      const h = (await session(id)).health;
      return h?.status === "stalled" ? h : null;
    });
    expect(stalled).toMatchObject({ reason: "stalled:not_picked_up", runId: v.body.run.id });
    expect(stalled.silentForMs).toBeGreaterThan(1500);
    expect((await list("health=stalled")).map((s) => s.id)).toContain(id);
    expect((await list("health=healthy")).map((s) => s.id)).not.toContain(id);
    expect((await list("health=stalled")).find((s) => s.id === id)?.health?.status).toBe("stalled");

    // Three sweeps, one announcement.
    for (let i = 0; i < 3; i++) await sweepRuns();
    const deliveries = await db().webhookDelivery.findMany({ where: { event: "onboarding.stalled" } });
    const forThis = deliveries.filter((d) => (d.payload as { onboarding: { id: string } }).onboarding.id === id);
    expect(forThis).toHaveLength(1);
    expect((forThis[0].payload as { run: { healthReason: string } }).run.healthReason).toBe("stalled:not_picked_up");

    // A worker comes: the run is picked up, finishes, and is no longer stalled.
    worker = await startWorker({ concurrency: 2 });
    const run = await runFinished(v.body.run.id);
    expect(run.outcome).toBe("succeeded");
    expect((await session(id)).health).toBeNull();
    expect((await list("health=stalled")).map((s) => s.id)).not.toContain(id);
    await waitFor(
      "the stalled webhook to be delivered",
      async () => received.filter((r) => r.event === "onboarding.stalled" && r.body.includes(id)).length === 1,
    );
  });

  it("goes healthy → retrying (attempt n of m, next attempt time, reason) → healthy while a provider rate-limits", async () => {
    expect(worker).not.toBeNull();
    // Steps of 300 ms: the healthy stretch after the retries lasts long enough for a poll to see it.
    const id = await createSession({ failStep: "provision_infra", failTimes: 2, retryAfterMs: 1200, stepDelayMs: 300 });
    const v = await action(verify, id, "verify-access");
    await runFinished(v.body.run.id);
    const b = await action(bootstrap, id, "bootstrap");
    expect(b.status).toBe(202);
    const runId = b.body.run.id as string;

    const seen: {
      status: string;
      attempt: number | null;
      reason: string | null;
      nextAttemptAt: string | null;
      at: number;
    }[] = [];
    await waitFor(
      "the bootstrap to finish",
      async () => {
        const s = await session(id);
        if (s.health) seen.push({ ...s.health, at: Date.now() });
        return s.status === "completed";
      },
      40_000,
    );
    const statuses = seen.map((h) => h.status).filter((st, i, all) => st !== all[i - 1]);
    // healthy → retrying → healthy; attempt 2 runs (healthy) for a moment between the two
    // backoffs, which a poll may or may not catch. Never stalled.
    expect(statuses[0]).toBe("healthy");
    expect(statuses).toContain("retrying");
    expect(statuses.at(-1)).toBe("healthy");
    expect(statuses).not.toContain("stalled");
    const retrying = seen.filter((h) => h.status === "retrying");
    expect(retrying[0]).toMatchObject({ reason: "retrying:simulated_rate_limited", attempt: 2, maxAttempts: 4 });
    expect(retrying.map((h) => h.attempt)).toContain(3);
    expect(new Date(retrying[0].nextAttemptAt!).getTime()).toBeGreaterThan(retrying[0].at - 1300);

    const detail = await callRoute(runRoute.GET, {
      method: "GET",
      url: `http://localhost/api/v1/operation-runs/${runId}`,
      token: owner.token,
      params: { id: runId },
    });
    expect(detail.body.health).toBeNull();
    const infra = (
      detail.body.attempts as {
        stepKey: string;
        attempt: number;
        outcome: string;
        backoffMs: number | null;
        errorCode: string | null;
      }[]
    ).filter((a) => a.stepKey === "provision_infra");
    expect(infra.map((a) => [a.attempt, a.outcome, a.errorCode, a.backoffMs])).toEqual([
      [1, "retrying", "simulated_rate_limited", 1200],
      [2, "retrying", "simulated_rate_limited", 1200],
      [3, "succeeded", null, null],
    ]);
    expect((detail.body.attempts as unknown[]).length).toBe(7);
  });

  it("re-verifies access before a resume: a failing check refuses it with the reason and remediation, and nothing runs", async () => {
    const id = await createSession({ failStep: "setup_repo", failTimes: 1 });
    const v = await action(verify, id, "verify-access");
    await runFinished(v.body.run.id);
    const b = await action(bootstrap, id, "bootstrap");
    const failed = await runFinished(b.body.run.id);
    expect(failed.outcome).toBe("failed");

    // The repository credentials stop working after the failure.
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    await db().onboardingSession.update({
      where: { id },
      data: { simulation: { ...(row.simulation as object), failCheck: "repo_token" } },
    });
    const before = await session(id);
    const refused = await action(resume, id, "resume");
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({
      code: "access_recheck_failed",
      blockingReason: "simulated_repo_token_failed",
    });
    expect(refused.body.remediation).toMatch(/failCheck/);
    const after = await db().operationRun.findUniqueOrThrow({ where: { id: b.body.run.id } });
    expect(after).toMatchObject({ status: "completed", outcome: "failed", attempt: failed.attempt });
    expect((await session(id)).version).toBe(before.version);

    // Fixed: the resume goes through and finishes.
    await db().onboardingSession.update({ where: { id }, data: { simulation: { ...(row.simulation as object) } } });
    const ok = await action(resume, id, "resume");
    expect(ok.status).toBe(202);
    expect((await runFinished(b.body.run.id)).outcome).toBe("succeeded");
  });
});
