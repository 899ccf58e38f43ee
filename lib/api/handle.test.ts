// `handle` reads a route's declaration: who may call (workspace capability, the record's
// workspace, anonymous), what is parsed, and — at compile time — what the handler may answer.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";

const state = vi.hoisted(() => ({ actor: null as Actor | null, resolved: 0, loaded: [] as string[] }));

vi.mock("@/lib/auth/actor", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/actor")>()),
  resolveActor: async () => {
    state.resolved++;
    return state.actor;
  },
}));
vi.mock("./rate-limit", () => ({
  consumeRateLimit: async () => ({ allowed: true, remaining: 100, resetSeconds: 60 }),
}));
// The record's workspace decides; "ws-b" records belong to a workspace the caller is not in.
vi.mock("./record-access", async () => {
  const { authorize } = await vi.importActual<typeof import("@/lib/auth/actor")>("@/lib/auth/actor");
  const { notFound } = await vi.importActual<typeof import("./errors")>("./errors");
  return {
    authorizeRecord: async (actor: Actor, kind: string, id: string, capability: Parameters<typeof authorize>[2]) => {
      state.loaded.push(`${kind}:${id}`);
      if (id === "missing") throw notFound("Webhook");
      const record = { id, workspaceId: id.startsWith("b-") ? "ws-b" : "ws-a" };
      return { record, membership: authorize(actor, record.workspaceId, capability, "Webhook") };
    },
  };
});

const { handle, json, noContent } = await import("./handler");
const { defineRoute, idParams } = await import("./define-route");

const listThings = defineRoute({
  method: "GET",
  path: "/api/v1/things",
  tag: "Test",
  summary: "List",
  access: { capability: "webhooks", scope: "workspace" },
  query: z.strictObject({ q: z.string().optional(), workspace: z.string().optional() }),
  responses: { 200: z.object({ items: z.array(z.string()), workspace: z.string() }) },
});
const patchThing = defineRoute({
  method: "PATCH",
  path: "/api/v1/things/{id}",
  tag: "Test",
  summary: "Patch",
  access: { capability: "webhooks", scope: "record", record: "webhook" },
  params: idParams,
  body: z.strictObject({ name: z.string() }),
  responses: { 200: z.object({ id: z.string(), name: z.string() }), 204: null },
});
const publicThing = defineRoute({
  method: "GET",
  path: "/api/v1/public",
  tag: "Test",
  summary: "Public",
  access: { auth: "public" },
  responses: { 200: z.object({ ok: z.boolean() }) },
});

const GET = handle(listThings, async ({ workspace, query }) =>
  json(listThings, { items: [query.q ?? "none"], workspace: workspace.workspaceId }),
);
const PATCH = handle(patchThing, async ({ record, body }) => json(patchThing, { id: record.id, name: body.name }));
const PUBLIC = handle(publicThing, async ({ actor }) => json(publicThing, { ok: actor === null }));

const member = (workspaceId: string, role: "owner" | "viewer") => ({
  workspaceId,
  workspaceSlug: workspaceId,
  workspaceName: workspaceId,
  role,
});
const call = (
  handler: typeof GET,
  url: string,
  init: { method?: string; body?: unknown; params?: Record<string, string> } = {},
) =>
  handler(
    new NextRequest(url, {
      method: init.method ?? "GET",
      headers: { authorization: "Bearer onr_x", ...(init.body ? { "content-type": "application/json" } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    }),
    { params: Promise.resolve(init.params ?? {}) },
  );

beforeEach(() => {
  state.actor = {
    userId: "u1",
    email: "a@example.test",
    via: "token",
    tokenId: "t1",
    memberships: [member("ws-a", "owner"), member("ws-c", "viewer")],
  };
  state.resolved = 0;
  state.loaded = [];
});

describe("handle", () => {
  it("authorizes a workspace route in the selected workspace and hands the handler that membership", async () => {
    const ok = await call(GET, "http://localhost/api/v1/things?q=x");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ items: ["x"], workspace: "ws-a" });
    const viewer = await call(GET, "http://localhost/api/v1/things?workspace=ws-c");
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).capability).toBe("webhooks");
    expect((await call(GET, "http://localhost/api/v1/things?workspace=ws-z")).status).toBe(404);
  });

  it("authorizes a record route in the record's workspace, after parsing, and passes the record", async () => {
    const ok = await call(PATCH, "http://localhost/api/v1/things/a-1", {
      method: "PATCH",
      body: { name: "n" },
      params: { id: "a-1" },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: "a-1", name: "n" });
    const elsewhere = await call(PATCH, "http://localhost/api/v1/things/b-1", {
      method: "PATCH",
      body: { name: "n" },
      params: { id: "b-1" },
    });
    expect(elsewhere.status).toBe(404);
    state.loaded = [];
    const invalid = await call(PATCH, "http://localhost/api/v1/things/a-1", {
      method: "PATCH",
      body: { nom: "n" },
      params: { id: "a-1" },
    });
    expect(invalid.status).toBe(422);
    expect(state.loaded).toEqual([]);
  });

  it("answers 401 before loading anything when the caller is unknown", async () => {
    state.actor = null;
    expect(
      (
        await call(PATCH, "http://localhost/api/v1/things/a-1", {
          method: "PATCH",
          body: { name: "n" },
          params: { id: "a-1" },
        })
      ).status,
    ).toBe(401);
    expect(state.loaded).toEqual([]);
  });

  it("never resolves a caller for a public route", async () => {
    const res = await call(PUBLIC, "http://localhost/api/v1/public");
    expect(await res.json()).toEqual({ ok: true });
    expect(state.resolved).toBe(0);
  });

  it("binds the declaration to the handler, for the route-file test", () => {
    expect((GET as { route?: unknown }).route).toBe(listThings);
  });

  it("checks response bodies against the declared schema at compile time", () => {
    // @ts-expect-error -- `name` is not in the declared 200 body
    json(patchThing, { id: "1", nom: "x" });
    // @ts-expect-error -- 201 is not a declared status
    json(patchThing, { id: "1", name: "x" }, { status: 201 });
    // @ts-expect-error -- 200 has a body: not a no-content status
    noContent(patchThing, 200);
    expect(noContent(patchThing, 204).status).toBe(204);
  });
});
