// Webhook deliveries to internal addresses, with the guard on: the loopback receiver gets no
// request for any spelling of loopback or for a redirect to it, and the delivery log (which
// every member of the workspace can read) says why with a code, never with a response body.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { encryptSecret } from "@/lib/crypto/secrets";
import { createGuardedFetch } from "@/lib/net/guarded-fetch";
import { createWorkspaceWithMember, type Member } from "@/test/fixtures";
import {
  internalForms,
  REDIRECT_BODY,
  startInternalReceiver,
  startRedirector,
  testPolicy,
  type TestServer,
} from "@/test/loopback-receiver";
import { deliverWebhook } from "./deliver";

let receiver: TestServer;
let owner: Member;
const servers: TestServer[] = [];

beforeAll(async () => {
  receiver = await startInternalReceiver();
  servers.push(receiver);
  owner = await createWorkspaceWithMember("owner");
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function deliveryTo(url: string): Promise<string> {
  const id = crypto.randomUUID();
  await db().webhookEndpoint.create({
    data: {
      id,
      workspaceId: owner.workspace.id,
      url,
      events: ["onboarding.completed"],
      secretCiphertext: encryptSecret("whsec_test", id),
    },
  });
  const delivery = await db().webhookDelivery.create({
    data: { endpointId: id, event: "ping", payload: { event: "ping" } },
  });
  return delivery.id;
}

describe("webhook delivery, guard on", () => {
  it.each(internalForms(0).map((_, i) => i))(
    "refuses internal target form #%i; the receiver gets nothing",
    async (i) => {
      vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "false");
      const url = internalForms(receiver.port)[i];
      const before = receiver.requests.length;
      const id = await deliveryTo(url);
      await expect(deliverWebhook(id)).rejects.toThrow(/target_address_refused/);
      const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(row, url).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
      expect(row.lastError).toMatch(/^target_address_refused: .+internal address/);
      expect(receiver.requests.length, url).toBe(before);
    },
  );

  it("refuses a redirect to the receiver; the redirect's body is not in the delivery log", async () => {
    const redirector = await startRedirector(`${receiver.url}/hook`);
    servers.push(redirector);
    const before = receiver.requests.length;
    const id = await deliveryTo(`${redirector.url}/hook`);
    await expect(deliverWebhook(id, createGuardedFetch({ isAllowed: testPolicy }))).rejects.toThrow(
      /upstream_redirect_refused/,
    );
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ lastStatusCode: 302, status: "pending" });
    expect(row.lastError).toMatch(/^upstream_redirect_refused: /);
    expect(row.lastError).not.toContain(REDIRECT_BODY);
    expect(redirector.requests).toHaveLength(1);
    expect(receiver.requests.length).toBe(before);
  });

  it("still delivers to loopback with the guard off (development)", async () => {
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "true");
    const before = receiver.requests.length;
    const id = await deliveryTo(`http://[::ffff:7f00:1]:${receiver.port}/hook`);
    await deliverWebhook(id);
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "succeeded", lastStatusCode: 200, lastError: null });
    expect(receiver.requests.length).toBe(before + 1);
  });
});
