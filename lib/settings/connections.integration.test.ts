// Provider connections over their route handlers against a real PostgreSQL: credentials
// encrypted at rest and never returned, settings validated, deletion refused while in use.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as connections from "@/app/api/v1/connections/route";
import * as connectionItem from "@/app/api/v1/connections/[id]/route";

const URL_BASE = "http://localhost/api/v1/connections";
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const GH_TOKEN = () => `ghp_${uniqueId("secret").replace("-", "")}XYZ`;
const config = { org: "acme-platforms", templateOwner: "acme", templateRepo: "stack-template.node" };

const create = (token: string, body: unknown) =>
  callRoute(connections.POST, { method: "POST", url: URL_BASE, token, body });
const list = (token: string) => callRoute(connections.GET, { url: URL_BASE, token });
const patch = (token: string, id: string, body: unknown) =>
  callRoute(connectionItem.PATCH, { method: "PATCH", url: `${URL_BASE}/${id}`, token, params: { id }, body });
const remove = (token: string, id: string) =>
  callRoute(connectionItem.DELETE, { method: "DELETE", url: `${URL_BASE}/${id}`, token, params: { id } });

let owner: Member;
let outsider: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  outsider = await createWorkspaceWithMember("owner");
});

describe("provider connections", () => {
  it("stores a GitHub token encrypted (it decrypts back) and never returns it", async () => {
    const secret = GH_TOKEN();
    const res = await create(owner.token, {
      name: `GitHub ${uniqueId()}`,
      kind: "github",
      config: { ...config, baseUrl: "https://ghe.example.com/api/v3" },
      token: secret,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: "github",
      hasSecret: true,
      config: { ...config, baseUrl: "https://ghe.example.com/api/v3" },
    });
    expect(res.headers.get("location")).toBe(`/api/v1/connections/${res.body.id}`);
    expect(JSON.stringify(res.body)).not.toContain(secret);

    const row = await db().providerConnection.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.secretCiphertext).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(decryptSecret(row.secretCiphertext!, row.id)).toBe(secret);

    const viewer = await createWorkspaceWithMember("viewer", owner.workspace.id);
    const listed = await list(viewer.token);
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((c: { id: string }) => c.id === res.body.id);
    expect(Object.keys(item).sort()).toEqual(["config", "createdAt", "hasSecret", "id", "kind", "name", "updatedAt"]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).not.toContain(row.secretCiphertext!);

    const audit = await db().auditEvent.findMany({ where: { targetId: res.body.id } });
    expect(audit.map((e) => e.action)).toEqual(["connection.created"]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it("stores a Cloudflare connection (account id, optional API base URL, encrypted token) and validates it", async () => {
    const secret = `cf_${uniqueId("secret").replace("-", "")}`;
    const accountId = "0123456789abcdef0123456789abcdef";
    const res = await create(owner.token, {
      name: `Cloudflare ${uniqueId()}`,
      kind: "cloudflare",
      config: { accountId, apiBaseUrl: "https://cf-proxy.example.com/client/v4" },
      token: secret,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: "cloudflare",
      hasSecret: true,
      config: { accountId, apiBaseUrl: "https://cf-proxy.example.com/client/v4" },
    });
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const row = await db().providerConnection.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(decryptSecret(row.secretCiphertext!, row.id)).toBe(secret);

    const before = await db().providerConnection.count();
    for (const [body, field] of [
      [{ name: `CF ${uniqueId()}`, kind: "cloudflare", config: { accountId }, token: "" }, "token"],
      [
        { name: `CF ${uniqueId()}`, kind: "cloudflare", config: { accountId: "not-an-account" }, token: secret },
        "config.accountId",
      ],
      [{ name: `CF ${uniqueId()}`, kind: "cloudflare", config: { accountId, org: "acme" }, token: secret }, "config"],
    ] as const) {
      const bad = await create(owner.token, body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(fields(bad.body).join(" "), JSON.stringify(body)).toContain(field);
    }
    expect(await db().providerConnection.count()).toBe(before);

    // Settings of another kind are refused; its own are merged (null drops the base URL).
    expect((await patch(owner.token, res.body.id, { config: { org: "acme" } })).status).toBe(422);
    const updated = await patch(owner.token, res.body.id, { config: { apiBaseUrl: null } });
    expect(updated.status).toBe(200);
    expect(updated.body.config).toEqual({ accountId });
  });

  it("creates a simulated connection without a credential", async () => {
    const res = await create(owner.token, { name: `Sandbox ${uniqueId()}`, kind: "simulated" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: "simulated", hasSecret: false, config: {} });
  });

  it("validates kind, settings and the credential with per-field problems", async () => {
    const before = await db().providerConnection.count();
    const name = `Bad ${uniqueId()}`;
    const cases: [unknown, string][] = [
      [{ name, kind: "github", config }, "token"],
      [{ name, kind: "github", config, token: "" }, "token"],
      [{ name, kind: "github", config, token: "has spaces in it" }, "token"],
      [{ name, kind: "github", token: "ghp_x" }, "config"],
      [{ name, kind: "github", config: { ...config, org: "-bad-" }, token: "ghp_x" }, "config.org"],
      [
        { name, kind: "github", config: { ...config, templateRepo: "no/slash" }, token: "ghp_x" },
        "config.templateRepo",
      ],
      [
        { name, kind: "github", config: { ...config, baseUrl: "ftp://ghe.example.com" }, token: "ghp_x" },
        "config.baseUrl",
      ],
      [{ name, kind: "github", config: { ...config, extra: 1 }, token: "ghp_x" }, "config"],
      [{ name, kind: "gitlab", config, token: "ghp_x" }, "kind"],
      [{ kind: "simulated" }, "name"],
      [{ name: "", kind: "simulated" }, "name"],
      [{ name, kind: "simulated", config: { org: "x" } }, "config"],
    ];
    for (const [body, field] of cases) {
      const res = await create(owner.token, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("validation_failed");
      expect(fields(res.body), JSON.stringify(body)).toContain(field);
    }
    expect(await db().providerConnection.count()).toBe(before);
  });

  it("refuses a second connection with the same name in a workspace (409), not in another", async () => {
    const name = `Shared ${uniqueId()}`;
    expect((await create(owner.token, { name, kind: "simulated" })).status).toBe(201);
    const dup = await create(owner.token, { name, kind: "github", config, token: GH_TOKEN() });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: "illegal_transition", reasonCode: "connection_name_taken" });
    expect(fields(dup.body)).toEqual(["name"]);
    expect((await create(outsider.token, { name, kind: "simulated" })).status).toBe(201);
  });

  it("updates name, merges settings, replaces and removes the credential; audited without it", async () => {
    const first = GH_TOKEN();
    const { body } = await create(owner.token, {
      name: `Edit ${uniqueId()}`,
      kind: "github",
      config: { ...config, baseUrl: "https://ghe.example.com/api/v3" },
      token: first,
    });
    const second = GH_TOKEN();
    const res = await patch(owner.token, body.id, {
      name: "Renamed",
      config: { org: "new-org", baseUrl: null },
      token: second,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "Renamed",
      hasSecret: true,
      config: { org: "new-org", templateOwner: "acme", templateRepo: "stack-template.node" },
    });
    expect(res.body.config).not.toHaveProperty("baseUrl");
    expect(JSON.stringify(res.body)).not.toContain(second);
    const row = await db().providerConnection.findUniqueOrThrow({ where: { id: body.id } });
    expect(decryptSecret(row.secretCiphertext!, row.id)).toBe(second);

    const cleared = await patch(owner.token, body.id, { token: null });
    expect(cleared.body.hasSecret).toBe(false);
    expect((await db().providerConnection.findUniqueOrThrow({ where: { id: body.id } })).secretCiphertext).toBeNull();

    const audit = await db().auditEvent.findMany({ where: { targetId: body.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["connection.created", "connection.updated", "connection.updated"]);
    expect(audit[1].data).toMatchObject({
      credential: "replaced",
      before: { config: { org: "acme-platforms" } },
      after: { name: "Renamed" },
    });
    expect(audit[2].data).toMatchObject({ credential: "removed" });
    expect(JSON.stringify(audit)).not.toContain(first);
    expect(JSON.stringify(audit)).not.toContain(second);
  });

  it("validates updates: nothing to change, bad settings, settings on a simulated connection", async () => {
    const gh = await create(owner.token, { name: `V ${uniqueId()}`, kind: "github", config, token: GH_TOKEN() });
    const sim = await create(owner.token, { name: `S ${uniqueId()}`, kind: "simulated" });
    expect(fields((await patch(owner.token, gh.body.id, {})).body)).toContain("(body)");
    expect(fields((await patch(owner.token, gh.body.id, { config: { templateRepo: "bad repo" } })).body)).toContain(
      "config.templateRepo",
    );
    expect(fields((await patch(owner.token, gh.body.id, { kind: "simulated" })).body)).toContain("(body)");
    const onSim = await patch(owner.token, sim.body.id, { config: { org: "acme" } });
    expect(onSim.status).toBe(422);
    expect(fields(onSim.body)).toEqual(["config.org"]);
    const taken = await patch(owner.token, sim.body.id, { name: gh.body.name });
    expect(taken.status).toBe(409);
    expect(taken.body.reasonCode).toBe("connection_name_taken");
    expect(
      await db().auditEvent.count({
        where: { targetId: { in: [gh.body.id, sim.body.id] }, action: "connection.updated" },
      }),
    ).toBe(0);
  });

  it("refuses deletion while an open onboarding uses it, allows it once that onboarding is closed", async () => {
    const { body } = await create(owner.token, {
      name: `Busy ${uniqueId()}`,
      kind: "github",
      config,
      token: GH_TOKEN(),
    });
    const session = await db().onboardingSession.create({
      data: {
        workspaceId: owner.workspace.id,
        platformName: "Busy",
        slug: uniqueId("busy"),
        tier: "starter",
        userId: owner.user.id,
        connectionId: body.id,
        steps: [],
      },
    });
    const refused = await remove(owner.token, body.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: "illegal_transition",
      reasonCode: "connection_in_use",
      onboardingIds: [session.id],
    });
    expect(await db().providerConnection.findUnique({ where: { id: body.id } })).not.toBeNull();

    await db().onboardingSession.update({ where: { id: session.id }, data: { cancelledAt: new Date() } });
    expect((await remove(owner.token, body.id)).status).toBe(204);
    expect(await db().providerConnection.findUnique({ where: { id: body.id } })).toBeNull();
    expect((await remove(owner.token, body.id)).status).toBe(404);
    expect(
      (await db().auditEvent.findMany({ where: { targetId: body.id }, orderBy: { createdAt: "asc" } })).map(
        (e) => e.action,
      ),
    ).toEqual(["connection.created", "connection.deleted"]);
  });

  it("answers 403 without the connections capability and 404 across workspaces", async () => {
    const { body } = await create(owner.token, {
      name: `Guarded ${uniqueId()}`,
      kind: "github",
      config,
      token: GH_TOKEN(),
    });
    for (const role of ["viewer", "operator"] as const) {
      const member = await createWorkspaceWithMember(role, owner.workspace.id);
      expect((await list(member.token)).status, role).toBe(200);
      const post = await create(member.token, { name: `Nope ${uniqueId()}`, kind: "simulated" });
      expect(post.status, role).toBe(403);
      expect(post.body).toMatchObject({ code: "forbidden", capability: "connections" });
      expect((await patch(member.token, body.id, { name: "Hijacked" })).status).toBe(403);
      expect((await remove(member.token, body.id)).status).toBe(403);
    }
    expect((await patch(outsider.token, body.id, { name: "Hijacked" })).status).toBe(404);
    expect((await patch(outsider.token, body.id, { token: "ghp_mine" })).status).toBe(404);
    expect((await remove(outsider.token, body.id)).status).toBe(404);
    expect((await list(outsider.token)).body.items.map((c: { id: string }) => c.id)).not.toContain(body.id);
    expect((await db().providerConnection.findUniqueOrThrow({ where: { id: body.id } })).name).toBe(body.name);
  });
});
