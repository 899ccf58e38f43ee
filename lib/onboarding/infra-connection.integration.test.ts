// A session names two connections: the repository one (connectionId: simulated | github) and
// the infrastructure one (infraConnectionId: simulated | cloudflare). Each is checked for its
// role; choosing either completes Connect.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as connections from "@/app/api/v1/connections/route";

let owner: Member;
let cloudflareId: string;
let githubId: string;

const create = (body: Record<string, unknown>) =>
  callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: {
      platformName: "Infra Co",
      slug: `i-${uniqueId()
        .slice(-8)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")}`,
      tier: "starter",
      ...body,
    },
  });
const get = (id: string) =>
  callRoute(item.GET, { url: `http://localhost/api/v1/onboarding/${id}`, token: owner.token, params: { id } });
const patch = (id: string, body: unknown) =>
  callRoute(item.PATCH, {
    method: "PATCH",
    url: `http://localhost/api/v1/onboarding/${id}`,
    token: owner.token,
    params: { id },
    body,
  });
const connection = async (body: Record<string, unknown>) => {
  const res = await callRoute(connections.POST, {
    method: "POST",
    url: "http://localhost/api/v1/connections",
    token: owner.token,
    body: { name: `C ${uniqueId()}`, ...body },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  cloudflareId = await connection({
    kind: "cloudflare",
    config: { accountId: "0123456789abcdef0123456789abcdef" },
    token: "cf-token-value",
  });
  githubId = await connection({
    kind: "github",
    config: { org: "acme", templateOwner: "acme", templateRepo: "starter" },
    token: "ghp_abcdefXYZ",
  });
});

describe("infraConnectionId", () => {
  it("is accepted on create, returned by GET, and completes Connect", async () => {
    const res = await create({ infraConnectionId: cloudflareId });
    expect(res.status).toBe(202);
    const session = await get(res.body.onboardingId);
    expect(session.body).toMatchObject({
      infraConnectionId: cloudflareId,
      connectionId: null,
      currentCheckpoint: "verify_access",
    });
  });

  it("refuses a connection in the wrong role, on create and on PATCH, writing nothing", async () => {
    const before = await db().onboardingSession.count({ where: { workspaceId: owner.workspace.id } });
    for (const body of [{ infraConnectionId: githubId }, { connectionId: cloudflareId }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ field: Object.keys(body)[0], code: "connection_wrong_role" });
    }
    expect(await db().onboardingSession.count({ where: { workspaceId: owner.workspace.id } })).toBe(before);

    const { body } = await create({});
    const wrong = await patch(body.onboardingId, { version: 1, infraConnectionId: githubId });
    expect(wrong.status).toBe(422);
    expect((await get(body.onboardingId)).body).toMatchObject({ version: 1, infraConnectionId: null });
  });

  it("is changed with PATCH (versioned, audited) and null goes back to the simulated default", async () => {
    const { body } = await create({});
    const id = body.onboardingId as string;
    const set = await patch(id, { version: 1, infraConnectionId: cloudflareId });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ version: 2, infraConnectionId: cloudflareId, currentCheckpoint: "verify_access" });
    const audit = await db().auditEvent.findFirst({
      where: { targetId: id, action: "onboarding.updated" },
      orderBy: { createdAt: "desc" },
    });
    expect(JSON.stringify(audit?.data)).toContain("infraConnectionId");
    const cleared = await patch(id, { version: 2, infraConnectionId: null });
    expect(cleared.body).toMatchObject({ version: 3, infraConnectionId: null });
  });

  it("saving the pre-selected defaults (both null) completes Connect", async () => {
    const { body } = await create({});
    const res = await patch(body.onboardingId, { version: 1, connectionId: null, infraConnectionId: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 2,
      currentCheckpoint: "verify_access",
      draft: { connectConfirmed: true },
    });
  });
});
