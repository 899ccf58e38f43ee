// Webhook endpoints over their route handlers against a real PostgreSQL, with a real worker
// delivering to a local receiver: secret shown once and encrypted, ping, log, redelivery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { db } from "@/lib/db/client";
import { decryptSecret } from "@/lib/crypto/secrets";
import { verifySignature } from "@/lib/webhooks/sign";
import { deliverWebhook } from "@/lib/webhooks/deliver";
import { startConsumers, stopQueue } from "@/lib/queue/queue";
import { callRoute, createWorkspaceWithMember, type Member } from "@/test/fixtures";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as webhookItem from "@/app/api/v1/webhooks/[id]/route";
import * as deliveries from "@/app/api/v1/webhooks/[id]/deliveries/route";
import * as test from "@/app/api/v1/webhooks/[id]/test/route";
import * as redeliver from "@/app/api/v1/webhook-deliveries/[id]/redeliver/route";

const URL_BASE = "http://localhost/api/v1/webhooks";
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

let owner: Member;
let outsider: Member;
let receiver: Server;
let receiverUrl = "";
let failNext = 0;
const received: { event: string; delivery: string; body: string; signature: string }[] = [];

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  outsider = await createWorkspaceWithMember("owner");
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({
        event: String(req.headers["onramp-event"]),
        delivery: String(req.headers["onramp-delivery"]),
        body,
        signature: String(req.headers["onramp-signature"]),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  // Only the webhook consumer: this file runs no operations.
  await startConsumers({ run: async () => undefined, webhook: deliverWebhook }, 0);
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  await new Promise((r) => receiver.close(r));
});

const create = (token: string, body: unknown) =>
  callRoute(webhooks.POST, { method: "POST", url: URL_BASE, token, body });
const patch = (token: string, id: string, body: unknown) =>
  callRoute(webhookItem.PATCH, { method: "PATCH", url: `${URL_BASE}/${id}`, token, params: { id }, body });
const remove = (token: string, id: string) =>
  callRoute(webhookItem.DELETE, { method: "DELETE", url: `${URL_BASE}/${id}`, token, params: { id } });
const ping = (token: string, id: string) =>
  callRoute(test.POST, { method: "POST", url: `${URL_BASE}/${id}/test`, token, params: { id } });
const log = (token: string, id: string, query = "") =>
  callRoute(deliveries.GET, { url: `${URL_BASE}/${id}/deliveries${query}`, token, params: { id } });
const resend = (token: string, id: string) =>
  callRoute(redeliver.POST, {
    method: "POST",
    url: `http://localhost/api/v1/webhook-deliveries/${id}/redeliver`,
    token,
    params: { id },
  });

async function settled(deliveryId: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    if (row.status !== "pending" || Date.now() > until) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("webhook endpoints", () => {
  it("returns the signing secret once, stores it encrypted, and never returns it again", async () => {
    const res = await create(owner.token, {
      url: receiverUrl,
      description: "Ops alerts",
      events: ["onboarding.completed", "onboarding.failed"],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      url: receiverUrl,
      description: "Ops alerts",
      events: ["onboarding.completed", "onboarding.failed"],
      active: true,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get("location")).toBe(`/api/v1/webhooks/${res.body.id}`);
    const { secret, id } = res.body;

    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.workspaceId).toBe(owner.workspace.id);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(decryptSecret(row.secretCiphertext, row.id)).toBe(secret);

    const list = await callRoute(webhooks.GET, { url: URL_BASE, token: owner.token });
    const patched = await patch(owner.token, id, { description: "Renamed" });
    for (const body of [list.body, patched.body]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(row.secretCiphertext);
      expect(text).not.toMatch(/"secret/);
    }
    expect(list.body.items.find((w: { id: string }) => w.id === id)).toMatchObject({
      id,
      url: receiverUrl,
      active: true,
    });
    const audit = await db().auditEvent.findMany({ where: { targetId: id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["webhook.created", "webhook.updated"]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it("validates url, events and description with per-field problems", async () => {
    const before = await db().webhookEndpoint.count();
    const cases: [unknown, string][] = [
      [{ events: ["onboarding.completed"] }, "url"],
      [{ url: "ftp://example.com/hook", events: ["onboarding.completed"] }, "url"],
      [{ url: "javascript:alert(1)", events: ["onboarding.completed"] }, "url"],
      [{ url: "not a url", events: ["onboarding.completed"] }, "url"],
      [{ url: `https://example.com/${"a".repeat(2000)}`, events: ["onboarding.completed"] }, "url"],
      [{ url: "https://example.com/hook" }, "events"],
      [{ url: "https://example.com/hook", events: [] }, "events"],
      [{ url: "https://example.com/hook", events: ["onboarding.exploded"] }, "events.0"],
      [{ url: "https://example.com/hook", events: ["onboarding.completed"], description: "" }, "description"],
      [{ url: "https://example.com/hook", events: ["onboarding.completed"], secret: "mine" }, "(body)"],
    ];
    for (const [body, field] of cases) {
      const res = await create(owner.token, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(fields(res.body), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    expect(await db().webhookEndpoint.count()).toBe(before);
    const { body } = await create(owner.token, {
      url: "https://example.com/hook",
      events: ["onboarding.completed", "onboarding.completed"],
    });
    expect(body.events).toEqual(["onboarding.completed"]);
    expect(fields((await patch(owner.token, body.id, {})).body)).toContain("(body)");
    expect(fields((await patch(owner.token, body.id, { url: "file:///etc/passwd" })).body)).toContain("url");
    expect(fields((await patch(owner.token, body.id, { active: "yes" })).body)).toContain("active");
  });

  it("updates active, events, url and description; deletes with 204; audited", async () => {
    const { body } = await create(owner.token, { url: "https://example.com/a", events: ["onboarding.completed"] });
    const res = await patch(owner.token, body.id, {
      active: false,
      events: ["onboarding.cancelled", "onboarding.activated"],
      url: "https://example.com/b",
      description: "Moved",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: false,
      events: ["onboarding.cancelled", "onboarding.activated"],
      url: "https://example.com/b",
      description: "Moved",
    });
    expect((await patch(owner.token, body.id, { description: null })).body.description).toBeNull();
    expect((await remove(owner.token, body.id)).status).toBe(204);
    expect(await db().webhookEndpoint.findUnique({ where: { id: body.id } })).toBeNull();
    expect((await remove(owner.token, body.id)).status).toBe(404);
    const audit = await db().auditEvent.findMany({ where: { targetId: body.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.action)).toEqual([
      "webhook.created",
      "webhook.updated",
      "webhook.updated",
      "webhook.deleted",
    ]);
    expect(audit[1].data).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it("sends a signed ping, logs every delivery, and redelivers as a new row keeping the old one", async () => {
    const { body: endpoint } = await create(owner.token, { url: receiverUrl, events: ["onboarding.activated"] });
    const sent = await ping(owner.token, endpoint.id);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ endpointId: endpoint.id, event: "ping", status: "pending", attempts: 0 });
    const delivered = await settled(sent.body.id);
    expect(delivered.status).toBe("succeeded");
    const got = received.find((r) => r.delivery === sent.body.id);
    expect(got).toBeDefined();
    expect(got!.event).toBe("ping");
    expect(verifySignature(endpoint.secret, got!.body, got!.signature)).toBe(true);
    expect(JSON.parse(got!.body)).toMatchObject({ id: sent.body.id, event: "ping", webhook: { id: endpoint.id } });

    const again = await resend(owner.token, sent.body.id);
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(sent.body.id);
    expect(again.body).toMatchObject({ endpointId: endpoint.id, event: "ping", status: "pending" });
    expect((await settled(again.body.id)).status).toBe("succeeded");
    const resent = received.find((r) => r.delivery === again.body.id)!;
    expect(JSON.parse(resent.body)).toMatchObject({
      id: again.body.id,
      event: "ping",
      occurredAt: JSON.parse(got!.body).occurredAt,
    });

    const history = await log(owner.token, endpoint.id);
    expect(history.status).toBe(200);
    expect(history.body.items.map((d: { id: string }) => d.id)).toEqual([again.body.id, sent.body.id]);
    expect(history.body.items[1]).toMatchObject({
      status: "succeeded",
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(history.body.items[1].deliveredAt).not.toBeNull();
    expect(Object.keys(history.body.items[0]).sort()).toEqual(
      [
        "attempts",
        "createdAt",
        "deliveredAt",
        "endpointId",
        "event",
        "id",
        "lastError",
        "lastStatusCode",
        "nextAttemptAt",
        "status",
      ].sort(),
    );
    expect(history.body.nextCursor).toBeNull();
    const audit = await db().auditEvent.findMany({ where: { targetId: endpoint.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["webhook.created", "webhook.test_sent", "webhook.redelivered"]);
    expect(audit[2].data).toMatchObject({ deliveryId: again.body.id, redeliveryOf: sent.body.id });
  });

  it("records a failed attempt with its status code for the log", async () => {
    const { body: endpoint } = await create(owner.token, { url: receiverUrl, events: ["onboarding.failed"] });
    failNext = 1;
    const sent = await ping(owner.token, endpoint.id);
    // The first attempt fails with 503; the queue retries and the second succeeds.
    const until = Date.now() + 20_000;
    let row = await db().webhookDelivery.findUniqueOrThrow({ where: { id: sent.body.id } });
    while (row.attempts < 1 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      row = await db().webhookDelivery.findUniqueOrThrow({ where: { id: sent.body.id } });
    }
    const history = await log(owner.token, endpoint.id);
    expect(history.body.items[0]).toMatchObject({
      id: sent.body.id,
      attempts: 1,
      lastStatusCode: 503,
      lastError: "HTTP 503",
      status: "pending",
    });
    expect(history.body.items[0].nextAttemptAt).not.toBeNull();
  });

  it("pages the delivery log 50 at a time, newest first", async () => {
    const { body: endpoint } = await create(owner.token, {
      url: "https://example.invalid/hook",
      events: ["onboarding.completed"],
      description: "paging",
    });
    await db().webhookEndpoint.update({ where: { id: endpoint.id }, data: { active: false } });
    const base = Date.now() - 100_000;
    await db().webhookDelivery.createMany({
      data: Array.from({ length: 53 }, (_, i) => ({
        endpointId: endpoint.id,
        event: "onboarding.completed",
        payload: { i },
        createdAt: new Date(base + i * 1000),
      })),
    });
    const first = await log(owner.token, endpoint.id);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextCursor).not.toBeNull();
    const rest = await log(owner.token, endpoint.id, `?cursor=${first.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
    const times = [...first.body.items, ...rest.body.items].map((d: { createdAt: string }) => Date.parse(d.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("answers 403 without the webhooks capability and 404 across workspaces, changing nothing", async () => {
    const { body: endpoint } = await create(owner.token, { url: receiverUrl, events: ["onboarding.completed"] });
    const delivery = await db().webhookDelivery.create({
      data: { endpointId: endpoint.id, event: "ping", payload: {}, status: "failed" },
    });
    const operator = await createWorkspaceWithMember("operator", owner.workspace.id);
    const viewer = await createWorkspaceWithMember("viewer", owner.workspace.id);
    for (const member of [operator, viewer]) {
      expect((await callRoute(webhooks.GET, { url: URL_BASE, token: member.token })).status).toBe(403);
      expect((await create(member.token, { url: receiverUrl, events: ["onboarding.completed"] })).status).toBe(403);
      expect((await patch(member.token, endpoint.id, { active: false })).status).toBe(403);
      expect((await ping(member.token, endpoint.id)).status).toBe(403);
      expect((await log(member.token, endpoint.id)).status).toBe(403);
      expect((await resend(member.token, delivery.id)).status).toBe(403);
      expect((await remove(member.token, endpoint.id)).status).toBe(403);
    }
    expect((await patch(outsider.token, endpoint.id, { active: false })).status).toBe(404);
    expect((await remove(outsider.token, endpoint.id)).status).toBe(404);
    expect((await ping(outsider.token, endpoint.id)).status).toBe(404);
    expect((await log(outsider.token, endpoint.id)).status).toBe(404);
    expect((await resend(outsider.token, delivery.id)).status).toBe(404);
    expect((await resend(owner.token, "no-such-delivery")).status).toBe(404);
    const list = await callRoute(webhooks.GET, { url: URL_BASE, token: outsider.token });
    expect(list.body.items.map((w: { id: string }) => w.id)).not.toContain(endpoint.id);
    expect(await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      active: true,
    });
    expect(await db().webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
    expect((await db().auditEvent.findMany({ where: { targetId: endpoint.id } })).map((e) => e.action)).toEqual([
      "webhook.created",
    ]);
  });
});
