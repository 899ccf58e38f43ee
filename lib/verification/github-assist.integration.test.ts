// The verification assist with a real provider: a GitHub connection (Octokit against the local
// fake GitHub) whose token lacks scopes and whose org forbids members to create repositories.
// Each failed check says who fixes it and links the page on that GitHub host; once the org
// owner allows repository creation (on the fake), Re-check turns that one check green.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import { startFakeGitHub, type FakeGitHub } from "@/test/fake-github/server";
import * as connections from "@/app/api/v1/connections/route";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as recheck from "@/app/api/v1/onboarding/[id]/verify-access/recheck/route";
import * as simulation from "@/app/api/v1/onboarding/[id]/simulation/route";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import type { AccessCheck } from "@/lib/providers/types";

process.env.SIMULATED_STEP_DELAY_MS = "20";

const ORG = "assist-org";
const LOGIN = "assist-bot";
let fake: FakeGitHub;
let owner: Member;

beforeAll(async () => {
  fake = await startFakeGitHub({ host: "127.0.0.1", port: 0 });
  fake.addOrg(ORG, { membersCanCreateRepositories: false, membersCanCreatePrivateRepositories: false });
  fake.addMembership(ORG, LOGIN, { role: "member", state: "active" });
  fake.addRepo("acme", "stack-template", { isTemplate: true, private: false });
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await fake?.close();
});

const call = (handler: Parameters<typeof callRoute>[0], opts: Omit<Parameters<typeof callRoute>[1], "token">) =>
  callRoute(handler, { ...opts, token: owner.token });

async function version(id: string): Promise<number> {
  return (await call(item.GET, { url: `http://x/api/v1/onboarding/${id}`, params: { id } })).body.version;
}

async function finished(runId: string) {
  for (const deadline = Date.now() + 45_000; ;) {
    const run = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status === "completed") return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("verification assist with GitHub", () => {
  it("says who fixes each failed check and where on that GitHub host; Re-check picks up the fix", async () => {
    const token = `ghp_${uniqueId("a").replace(/-/g, "")}${"y".repeat(20)}`;
    fake.addToken(token, { login: LOGIN, scopes: ["read:org"] });
    const conn = await call(connections.POST, {
      method: "POST",
      url: "http://x/api/v1/connections",
      body: {
        name: `GitHub ${uniqueId()}`,
        kind: "github",
        config: { org: ORG, templateOwner: "acme", templateRepo: "stack-template", baseUrl: fake.url },
        token,
      },
    });
    expect(conn.status).toBe(201);
    const created = await call(collection.POST, {
      method: "POST",
      url: "http://x/api/v1/onboarding",
      body: {
        platformName: "GitHub Assist",
        slug: `ga-${Date.now().toString(36)}`,
        tier: "starter",
        connectionId: conn.body.id,
      },
    });
    const id = created.body.onboardingId as string;
    const started = await call(verify.POST, {
      method: "POST",
      url: "http://x",
      params: { id },
      body: { version: await version(id) },
    });
    const run = await finished(started.body.run.id);
    expect(run.outcome).toBe("blocked");
    const checks = (run.report as unknown as { checks: AccessCheck[] }).checks;
    const byKey = (key: string) => checks.find((c) => c.key === key)!;
    const host = new URL(fake.url).origin;

    expect(byKey("token_scopes")).toMatchObject({
      status: "fail",
      reasonCode: "github_token_missing_scope",
      assist: {
        owner: "operator",
        permission: "Token scopes repo and workflow",
        href: `${host}/settings/tokens`,
        linkLabel: "GitHub token settings",
      },
    });
    expect(byKey("repo_create_permission")).toMatchObject({
      status: "fail",
      reasonCode: "github_cannot_create_repo",
      assist: { owner: "provider_admin", href: `${host}/organizations/${ORG}/settings/member_privileges` },
    });
    expect(byKey("repo_create_permission").assist!.ownerLabel).toContain(ORG);
    expect(byKey("token_valid").assist).toBeUndefined();
    expect(JSON.stringify(checks)).not.toContain(token);

    // The org owner allows members to create private repositories; the operator re-checks that one check.
    fake.addOrg(ORG, { membersCanCreateRepositories: true, membersCanCreatePrivateRepositories: true });
    const again = await call(recheck.POST, {
      method: "POST",
      url: "http://x",
      params: { id },
      body: { version: await version(id), checkKey: "repo_create_permission" },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect((await finished(again.body.run.id)).outcome).toBe("succeeded");
    const after = (await db().operationRun.findUniqueOrThrow({ where: { id: run.id } })).report as unknown as {
      checks: AccessCheck[];
    };
    expect(after.checks.find((c) => c.key === "repo_create_permission")).toMatchObject({ status: "pass" });
    expect(after.checks.find((c) => c.key === "repo_create_permission")!.assist).toBeUndefined();
    // The scopes are still missing: that check is untouched and the onboarding still needs action.
    expect(after.checks.find((c) => c.key === "token_scopes")).toEqual(byKey("token_scopes"));
    expect((await call(item.GET, { url: "http://x", params: { id } })).body).toMatchObject({
      lifecycleState: "action_required",
      blockingReasonCode: "github_token_missing_scope",
    });

    // Failure injection belongs to the simulated provider only.
    const refused = await call(simulation.PUT, {
      method: "PUT",
      url: "http://x",
      params: { id },
      body: { version: await version(id), simulation: null },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe("simulation");
  });
});
