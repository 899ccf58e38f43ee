// The resource ledger with the simulated providers: what bootstrap records, who may read it,
// the deprovision plan (dry run changes nothing) and the run that deletes from it — and an
// onboarding bootstrapped before the ledger existed, which is removed by name as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member, type RouteHandler } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as deprovision from "@/app/api/v1/onboarding/[id]/deprovision/route";
import * as resources from "@/app/api/v1/onboarding/[id]/resources/route";
import * as runRoute from "@/app/api/v1/operation-runs/[id]/route";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import { workerSecretsFor } from "./worker-secrets";

let owner: Member;
let viewer: Member;
let outsider: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  viewer = await createWorkspaceWithMember("viewer", owner.workspace.id);
  outsider = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

async function call(
  handler: RouteHandler,
  url: string,
  id: string,
  opts: { method?: string; body?: unknown; as?: Member } = {},
) {
  return callRoute(handler, {
    method: opts.method ?? "GET",
    url: `http://localhost/api/v1/onboarding/${id}${url}`,
    token: (opts.as ?? owner).token,
    params: { id },
    body: opts.body,
  });
}

async function action(route: { POST: RouteHandler }, id: string, name: string, extra: Record<string, unknown> = {}) {
  const current = (await call(item.GET, "", id)).body;
  return call(route.POST, `/${name}`, id, { method: "POST", body: { version: current.version, ...extra } });
}

async function runFinished(runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await callRoute(runRoute.GET, {
      url: `http://localhost/api/v1/operation-runs/${runId}`,
      token: owner.token,
      params: { id: runId },
    });
    if (res.body.status === "completed") return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bootstrappedAndCancelled() {
  const slug = `led-${uniqueId("s").slice(2)}`;
  const res = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "Ledger", slug, tier: "starter", simulation: { stepDelayMs: 10 } },
  });
  expect(res.status).toBe(202);
  const id = res.body.onboardingId as string;
  expect((await runFinished((await action(verify, id, "verify-access")).body.run.id)).outcome).toBe("succeeded");
  const run = await runFinished((await action(bootstrap, id, "bootstrap")).body.run.id);
  expect(run.outcome).toBe("succeeded");
  return { id, slug, runId: run.id as string };
}

const simulatedCount = (slug: string) =>
  db().simulatedResource.count({ where: { workspaceId: owner.workspace.id, name: { startsWith: slug } } });

describe("resource ledger (simulated providers)", () => {
  it("records what bootstrap created; readable with the view capability, not found from another workspace", async () => {
    const { id, slug, runId } = await bootstrappedAndCancelled();
    const listed = await call(resources.GET, "/resources", id, { as: viewer });
    expect(listed.status).toBe(200);
    expect(
      listed.body.items.map((r: { provider: string; type: string; stepKey: string }) => [
        r.provider,
        r.type,
        r.stepKey,
      ]),
    ).toEqual([
      ["simulated", "infra", "provision_infra"],
      ["simulated", "repository", "setup_repo"],
      ["simulated", "deployment", "deploy_services"],
    ]);
    expect(listed.body.items[1]).toMatchObject({
      name: `onramp-sim/${slug}`,
      preExisted: false,
      runId,
      consoleUrl: null,
      deletedAt: null,
    });
    expect((await call(resources.GET, "/resources", id, { as: outsider })).status).toBe(404);
    expect((await call(resources.GET, "/resources", "nope", { as: owner })).status).toBe(404);
  });

  it("dry run: the plan newest first, no run started, nothing deleted; then the run deletes exactly that and marks the rows", async () => {
    const { id, slug } = await bootstrappedAndCancelled();
    expect((await action(cancel, id, "cancel")).status).toBe(200);
    const before = await simulatedCount(slug);
    expect(before).toBe(4); // infra, repository, deployment, its secret

    const dry = await call(deprovision.POST, "/deprovision", id, { method: "POST", body: { dryRun: true } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      sessionId: id,
      keep: [],
      alreadyDeleted: [],
      retirePlatform: true,
      byName: false,
    });
    expect(dry.body.delete.map((i: { order: number; type: string }) => [i.order, i.type])).toEqual([
      [1, "deployment"],
      [2, "repository"],
      [3, "infra"],
    ]);
    expect(await simulatedCount(slug)).toBe(before);
    expect(await db().operationRun.count({ where: { sessionId: id, kind: "deprovision" } })).toBe(0);
    // The plan is for those who may deprovision.
    expect(
      (await call(deprovision.POST, "/deprovision", id, { method: "POST", body: { dryRun: true }, as: viewer })).status,
    ).toBe(403);

    const run = await runFinished((await action(deprovision, id, "deprovision")).body.run.id);
    expect(run.outcome).toBe("succeeded");
    expect(run.steps.find((s: { key: string }) => s.key === "delete_resources").result.deleted).toEqual([
      { type: "deployment", name: `onramp-sim/${slug} first deployment`, deleted: true },
      { type: "repository", name: `onramp-sim/${slug}`, deleted: true },
      { type: "infra", name: `sim-infra-${slug}`, deleted: true },
    ]);
    expect(await simulatedCount(slug)).toBe(0);
    const rows = await db().resource.findMany({ where: { sessionId: id } });
    expect(rows.every((r) => r.deletedAt)).toBe(true);
    const again = await call(deprovision.POST, "/deprovision", id, { method: "POST", body: { dryRun: true } });
    expect(again.body.delete).toEqual([]);
    expect(again.body.alreadyDeleted).toHaveLength(3);
  });

  it("an onboarding bootstrapped before the ledger existed is removed by name, as before", async () => {
    const { id, slug } = await bootstrappedAndCancelled();
    await db().resource.deleteMany({ where: { sessionId: id } });
    await action(cancel, id, "cancel");
    const dry = await call(deprovision.POST, "/deprovision", id, { method: "POST", body: { dryRun: true } });
    expect(dry.body).toMatchObject({ delete: [], byName: true });
    const run = await runFinished((await action(deprovision, id, "deprovision")).body.run.id);
    expect(run.outcome).toBe("succeeded");
    expect(await simulatedCount(slug)).toBe(0);
  });

  it("generates a Worker secret once per onboarding, stores only its ciphertext, and gives the same value to every retry", async () => {
    const { id } = await bootstrappedAndCancelled();
    const scope = { workspaceId: owner.workspace.id, sessionId: id, runId: null, stepKey: "provision_infra" };
    const first = await workerSecretsFor(scope, ["SESSION_SECRET"], "onramp-x-auth");
    const again = await workerSecretsFor(scope, ["SESSION_SECRET"], "onramp-x-auth");
    expect(first.SESSION_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again).toEqual(first);
    const rows = await db().resource.findMany({ where: { sessionId: id, type: "worker_secret" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "cloudflare",
      name: "SESSION_SECRET",
      externalId: "onramp-x-auth/SESSION_SECRET",
    });
    expect(JSON.stringify(rows[0])).not.toContain(first.SESSION_SECRET);
    // Another onboarding gets its own value.
    const other = await bootstrappedAndCancelled();
    const theirs = await workerSecretsFor({ ...scope, sessionId: other.id }, ["SESSION_SECRET"], "onramp-y-auth");
    expect(theirs.SESSION_SECRET).not.toBe(first.SESSION_SECRET);
    // The API never shows the ciphertext.
    const listed = await call(resources.GET, "/resources", id);
    expect(JSON.stringify(listed.body)).not.toContain(String((rows[0].data as { ciphertext: string }).ciphertext));
    expect(listed.body.items.find((r: { type: string }) => r.type === "worker_secret").details).toEqual({
      worker: "onramp-x-auth",
    });
  });
});
