// With the address guard on (as in production), a webhook URL or a GitHub base URL on an
// internal address is refused when it is saved, with a field error and nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as webhookItem from "@/app/api/v1/webhooks/[id]/route";
import * as connections from "@/app/api/v1/connections/route";
import * as connectionItem from "@/app/api/v1/connections/[id]/route";

const INTERNAL = [
  "http://[::ffff:127.0.0.1]/hook",
  "http://[::ffff:7f00:1]/hook",
  "http://10.1.2.3/hook",
  "http://169.254.169.254/latest",
  "http://2130706433/hook",
];
const config = { org: "acme-platforms", templateOwner: "acme", templateRepo: "stack-template" };
const fieldsOf = (body: { errors?: { field: string; code?: string }[] }) => body.errors ?? [];

let owner: Member;
let previous: string | undefined;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  previous = process.env.ONRAMP_ALLOW_PRIVATE_TARGETS;
  process.env.ONRAMP_ALLOW_PRIVATE_TARGETS = "false";
});
afterAll(() => {
  if (previous === undefined) delete process.env.ONRAMP_ALLOW_PRIVATE_TARGETS;
  else process.env.ONRAMP_ALLOW_PRIVATE_TARGETS = previous;
});

describe("saving an internal target with the guard on", () => {
  it("refuses webhook URLs on internal addresses, on create and on update", async () => {
    const before = await db().webhookEndpoint.count({ where: { workspaceId: owner.workspace.id } });
    for (const url of INTERNAL) {
      const res = await callRoute(webhooks.POST, {
        method: "POST",
        url: "http://localhost/api/v1/webhooks",
        token: owner.token,
        body: { url, events: ["onboarding.completed"] },
      });
      expect(res.status, url).toBe(422);
      expect(fieldsOf(res.body), url).toContainEqual(
        expect.objectContaining({ field: "url", code: "target_address_refused" }),
      );
    }
    expect(await db().webhookEndpoint.count({ where: { workspaceId: owner.workspace.id } })).toBe(before);

    const ok = await callRoute(webhooks.POST, {
      method: "POST",
      url: "http://localhost/api/v1/webhooks",
      token: owner.token,
      body: { url: "https://1.1.1.1/hook", events: ["onboarding.completed"] },
    });
    expect(ok.status).toBe(201);
    const res = await callRoute(webhookItem.PATCH, {
      method: "PATCH",
      url: `http://localhost/api/v1/webhooks/${ok.body.id}`,
      token: owner.token,
      params: { id: ok.body.id },
      body: { url: INTERNAL[0] },
    });
    expect(res.status).toBe(422);
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: ok.body.id } })).url).toBe(
      "https://1.1.1.1/hook",
    );
  });

  it("refuses a GitHub base URL on an internal address, on create and on update", async () => {
    const name = `GHE ${uniqueId()}`;
    const res = await callRoute(connections.POST, {
      method: "POST",
      url: "http://localhost/api/v1/connections",
      token: owner.token,
      body: {
        name,
        kind: "github",
        config: { ...config, baseUrl: "http://[::ffff:127.0.0.1]:9/api/v3" },
        token: "ghp_abcdefXYZ",
      },
    });
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toContainEqual(
      expect.objectContaining({ field: "config.baseUrl", code: "target_address_refused" }),
    );
    expect(await db().providerConnection.count({ where: { workspaceId: owner.workspace.id, name } })).toBe(0);

    const ok = await callRoute(connections.POST, {
      method: "POST",
      url: "http://localhost/api/v1/connections",
      token: owner.token,
      body: { name, kind: "github", config, token: "ghp_abcdefXYZ" },
    });
    expect(ok.status).toBe(201);
    const patched = await callRoute(connectionItem.PATCH, {
      method: "PATCH",
      url: `http://localhost/api/v1/connections/${ok.body.id}`,
      token: owner.token,
      params: { id: ok.body.id },
      body: { config: { baseUrl: "http://10.0.0.7/api/v3" } },
    });
    expect(patched.status).toBe(422);
    expect((await db().providerConnection.findUniqueOrThrow({ where: { id: ok.body.id } })).config).not.toHaveProperty(
      "baseUrl",
    );
  });
});
