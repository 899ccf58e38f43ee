// Over 400 lines on purpose: it calls every declared route; the list of calls is the test.
// Every declared route answers what its declaration says: each is called for real (route
// handlers against PostgreSQL, runs executed by a real pg-boss worker with the simulated
// provider), and each success body is parsed with the schema declared for its status — a
// field the schema does not declare fails as much as a missing one. The last test checks that
// no declared route went uncalled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z, type ZodType } from "zod";
import { db } from "@/lib/db/client";
import {
  callRoute,
  createWorkspaceWithMember,
  uniqueId,
  type CallOptions,
  type CallResult,
  type Member,
  type RouteHandler,
} from "@/test/fixtures";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import { declaredRoutes } from "./openapi";
import type { AnyRoute } from "./define-route";
import * as onboardings from "@/app/api/v1/onboarding/route";
import * as onboarding from "@/app/api/v1/onboarding/[id]/route";
import * as slugCheck from "@/app/api/v1/onboarding/slug-availability/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as resume from "@/app/api/v1/onboarding/[id]/resume/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as deprovision from "@/app/api/v1/onboarding/[id]/deprovision/route";
import * as activate from "@/app/api/v1/onboarding/[id]/activate/route";
import * as resources from "@/app/api/v1/onboarding/[id]/resources/route";
import * as runs from "@/app/api/v1/onboarding/[id]/runs/route";
import * as watch from "@/app/api/v1/onboarding/[id]/watch/route";
import * as audit from "@/app/api/v1/onboarding/[id]/audit/route";
import * as run from "@/app/api/v1/operation-runs/[id]/route";
import * as runCancel from "@/app/api/v1/operation-runs/[id]/cancel/route";
import * as me from "@/app/api/v1/me/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as token from "@/app/api/v1/tokens/[id]/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as webhook from "@/app/api/v1/webhooks/[id]/route";
import * as webhookTest from "@/app/api/v1/webhooks/[id]/test/route";
import * as deliveries from "@/app/api/v1/webhooks/[id]/deliveries/route";
import * as redeliver from "@/app/api/v1/webhook-deliveries/[id]/redeliver/route";
import * as connections from "@/app/api/v1/connections/route";
import * as connection from "@/app/api/v1/connections/[id]/route";
import * as members from "@/app/api/v1/members/route";
import * as member from "@/app/api/v1/members/[userId]/route";
import * as invitations from "@/app/api/v1/invitations/route";
import * as invitation from "@/app/api/v1/invitations/[id]/route";
import * as lookup from "@/app/api/v1/invitations/lookup/route";
import * as accept from "@/app/api/v1/invitations/accept/route";
import * as platforms from "@/app/api/v1/platforms/route";
import * as health from "@/app/api/health/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as recheck from "@/app/api/v1/onboarding/[id]/verify-access/recheck/route";
import * as simulation from "@/app/api/v1/onboarding/[id]/simulation/route";
import * as operationRuns from "@/app/api/v1/operation-runs/route";
import * as notifications from "@/app/api/v1/notifications/route";
import * as notificationsRead from "@/app/api/v1/notifications/read/route";
import * as insights from "@/app/api/v1/insights/route";

const BASE = "http://localhost";
const called = new Map<AnyRoute, Set<number>>();
/** One successful call of each route, to replay as someone who may not make it. */
const replays = new Map<AnyRoute, { handler: RouteHandler; opts: CallOptions }>();

/** Paths of `raw` that parsing dropped: fields the response has and the schema does not declare. */
function undeclared(raw: unknown, parsed: unknown, at = "$"): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed))
    return raw.flatMap((v, i) => undeclared(v, parsed[i], `${at}[${i}]`));
  if (raw && typeof raw === "object" && parsed && typeof parsed === "object") {
    return Object.entries(raw).flatMap(([k, v]) =>
      k in parsed
        ? undeclared(v, (parsed as Record<string, unknown>)[k], `${at}.${k}`)
        : v === undefined
          ? []
          : [`${at}.${k}`],
    );
  }
  return [];
}

function expectConforms(schema: ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`${what} does not match its declared schema:\n${z.prettifyError(result.error)}`);
  expect(undeclared(body, result.data), `${what}: fields not in the declared schema`).toEqual([]);
  expect(result.data, `${what}: parsing changed the body`).toEqual(body);
}

/** Calls a bound handler for real and holds a success answer to the declared schema of its status. */
async function call(handler: RouteHandler & { route?: AnyRoute }, opts: CallOptions): Promise<CallResult> {
  const route = handler.route;
  if (!route) throw new Error(`${opts.method ?? "GET"} ${opts.url} is not bound to a declaration`);
  const res = await callRoute(handler, { method: route.method, ...opts, url: `${BASE}${opts.url}` });
  const what = `${route.method} ${route.path} → ${res.status}`;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(400);
  expect(Object.keys(route.responses), `${what}: status not declared`).toContain(String(res.status));
  const schema = route.responses[res.status];
  if (schema === null) expect(res.body, `${what}: declared without a body`).toBeNull();
  else expectConforms(schema, res.body, what);
  if (!called.has(route)) called.set(route, new Set());
  called.get(route)!.add(res.status);
  if (!replays.has(route)) replays.set(route, { handler, opts });
  return res;
}

async function waitForRun(runId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (row.status === "completed") return row;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for run ${runId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let owner: Member;
let teammate: Member;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  teammate = await createWorkspaceWithMember("viewer", owner.workspace.id);
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

async function createOnboarding(simulation: Record<string, unknown>): Promise<string> {
  const body = {
    platformName: "Conformance",
    slug: uniqueId("c").toLowerCase(),
    tier: "growth",
    simulation: { stepDelayMs: 5, ...simulation },
  };
  const res = await call(onboardings.POST, {
    url: "/api/v1/onboarding",
    token: owner.token,
    body,
    headers: { "idempotency-key": uniqueId("k") },
  });
  return res.body.onboardingId;
}

async function version(id: string): Promise<number> {
  return (await db().onboardingSession.findUniqueOrThrow({ where: { id } })).version;
}

/** An onboarding action with the current version; waits for the run it started. */
async function act(handler: RouteHandler, id: string, name: string, body: Record<string, unknown> = {}) {
  const res = await call(handler, {
    url: `/api/v1/onboarding/${id}/${name}`,
    token: owner.token,
    params: { id },
    body: { version: await version(id), ...body },
  });
  if (res.body.run) await waitForRun(res.body.run.id);
  return res;
}

describe("every declared route answers its declared schema", () => {
  it("onboarding: create, read, list, edit, verify, fail, resume, activate, audit", async () => {
    const id = await createOnboarding({ failStep: "setup_repo", failTimes: 1 });
    await call(onboardings.GET, { url: "/api/v1/onboarding?limit=5", token: owner.token });
    await call(slugCheck.GET, { url: "/api/v1/onboarding/slug-availability?slug=free-slug-here", token: owner.token });
    const read = await call(onboarding.GET, { url: `/api/v1/onboarding/${id}`, token: owner.token, params: { id } });
    await call(onboarding.GET, {
      url: `/api/v1/onboarding/${id}`,
      token: owner.token,
      params: { id },
      headers: { "if-none-match": read.headers.get("etag")! },
    });
    await call(onboarding.PATCH, {
      url: `/api/v1/onboarding/${id}`,
      token: owner.token,
      params: { id },
      body: { version: read.body.version, platformName: "Conformance, renamed", draft: { note: "x" } },
    });
    const verified = await act(verify.POST, id, "verify-access");
    await call(run.GET, {
      url: `/api/v1/operation-runs/${verified.body.run.id}`,
      token: owner.token,
      params: { id: verified.body.run.id },
    });
    const watched = await call(watch.GET, {
      url: `/api/v1/onboarding/${id}/watch`,
      token: owner.token,
      params: { id },
    });
    expect(watched.body.log.lines.length).toBeGreaterThan(0);
    const cursor = encodeURIComponent(watched.body.log.cursor);
    const unchanged = await call(watch.GET, {
      url: `/api/v1/onboarding/${id}/watch?logAfter=${cursor}`,
      token: owner.token,
      params: { id },
      headers: { "if-none-match": watched.headers.get("etag")! },
    });
    expect(unchanged.status).toBe(304);
    expect((await act(bootstrap.POST, id, "bootstrap")).body.run.id).toBeTruthy();
    expect((await db().onboardingSession.findUniqueOrThrow({ where: { id } })).lifecycleState).toBe("bootstrap_failed");
    await act(resume.POST, id, "resume");
    await call(activate.POST, {
      url: `/api/v1/onboarding/${id}/activate`,
      token: owner.token,
      params: { id },
      body: { version: await version(id) },
    });
    await call(runs.GET, { url: `/api/v1/onboarding/${id}/runs`, token: owner.token, params: { id } });
    await call(resources.GET, { url: `/api/v1/onboarding/${id}/resources`, token: owner.token, params: { id } });
    const trail = await call(audit.GET, { url: `/api/v1/onboarding/${id}/audit`, token: owner.token, params: { id } });
    expect(trail.body.items.length).toBeGreaterThan(3);
    await call(platforms.GET, { url: "/api/v1/platforms", token: owner.token });
  });

  it("verification assist, operations, notifications and insights", async () => {
    const id = await createOnboarding({ failCheck: "repo_create_permission" });
    const verified = await act(verify.POST, id, "verify-access");
    expect(verified.body.run.id).toBeTruthy();
    const failed = (await db().operationRun.findUniqueOrThrow({ where: { id: verified.body.run.id } })).report as {
      checks: { key: string; status: string }[];
    };
    expect(failed.checks.find((c) => c.key === "repo_create_permission")?.status).toBe("fail");
    await call(simulation.PUT, {
      url: `/api/v1/onboarding/${id}/simulation`,
      token: owner.token,
      params: { id },
      body: { version: await version(id), simulation: null },
    });
    const rechecked = await act(recheck.POST, id, "verify-access/recheck", { checkKey: "repo_create_permission" });
    expect(rechecked.status).toBe(202);
    await call(operationRuns.GET, { url: `/api/v1/operation-runs?sessionId=${id}&limit=5`, token: owner.token });
    const inbox = await call(notifications.GET, { url: "/api/v1/notifications?limit=5", token: owner.token });
    expect(inbox.body.unreadCount).toBeGreaterThan(0);
    await call(notificationsRead.POST, { url: "/api/v1/notifications/read", token: owner.token, body: { all: true } });
    await call(insights.GET, { url: "/api/v1/insights?days=7", token: owner.token });
  });

  it("runs: cancel a running one, then cancel the onboarding", async () => {
    const id = await createOnboarding({ stepDelayMs: 5_000 });
    const started = await call(verify.POST, {
      url: `/api/v1/onboarding/${id}/verify-access`,
      token: owner.token,
      params: { id },
      body: { version: await version(id) },
    });
    const runId = started.body.run.id;
    await call(runCancel.POST, {
      url: `/api/v1/operation-runs/${runId}/cancel`,
      token: owner.token,
      params: { id: runId },
      body: { version: await version(id) },
    });
    await waitForRun(runId);
    const cancelled = await call(cancel.POST, {
      url: `/api/v1/onboarding/${id}/cancel`,
      token: owner.token,
      params: { id },
      body: { version: await version(id), reason: "Conformance" },
    });
    expect(cancelled.body.deprovisionAvailable).toBe(false);
  });

  it("deprovision: the plan, then the run", async () => {
    const id = await createOnboarding({});
    await act(verify.POST, id, "verify-access");
    await act(bootstrap.POST, id, "bootstrap");
    const cancelled = await act(cancel.POST, id, "cancel");
    expect(cancelled.body.deprovisionAvailable).toBe(true);
    const plan = await call(deprovision.POST, {
      url: `/api/v1/onboarding/${id}/deprovision`,
      token: owner.token,
      params: { id },
      body: { dryRun: true },
    });
    expect(plan.status).toBe(200);
    const started = await act(deprovision.POST, id, "deprovision");
    expect(started.status).toBe(202);
  });

  it("settings: tokens, webhooks and deliveries, connections", async () => {
    const created = await call(tokens.POST, {
      url: "/api/v1/tokens",
      token: owner.token,
      body: { name: "Conformance", role: "viewer", expiresInDays: 1 },
    });
    await call(tokens.GET, { url: "/api/v1/tokens", token: owner.token });
    await call(token.DELETE, {
      url: `/api/v1/tokens/${created.body.id}`,
      token: owner.token,
      params: { id: created.body.id },
    });

    const hook = await call(webhooks.POST, {
      url: "/api/v1/webhooks",
      token: owner.token,
      body: { url: "https://hooks.example.test/onramp", description: "Conformance", events: ["onboarding.completed"] },
    });
    const hookId = hook.body.id;
    await call(webhooks.GET, { url: "/api/v1/webhooks", token: owner.token });
    await call(webhook.PATCH, {
      url: `/api/v1/webhooks/${hookId}`,
      token: owner.token,
      params: { id: hookId },
      body: { active: false, description: null },
    });
    const ping = await call(webhookTest.POST, {
      url: `/api/v1/webhooks/${hookId}/test`,
      token: owner.token,
      params: { id: hookId },
    });
    await call(redeliver.POST, {
      url: `/api/v1/webhook-deliveries/${ping.body.id}/redeliver`,
      token: owner.token,
      params: { id: ping.body.id },
    });
    const log = await call(deliveries.GET, {
      url: `/api/v1/webhooks/${hookId}/deliveries`,
      token: owner.token,
      params: { id: hookId },
    });
    expect(log.body.items.length).toBe(2);
    // Deleted: a second endpoint, so that the first stays for the replays below.
    const doomed = await call(webhooks.POST, {
      url: "/api/v1/webhooks",
      token: owner.token,
      body: { url: "https://hooks.example.test/b", events: ["onboarding.failed"] },
    });
    await call(webhook.DELETE, {
      url: `/api/v1/webhooks/${doomed.body.id}`,
      token: owner.token,
      params: { id: doomed.body.id },
    });

    const conn = await call(connections.POST, {
      url: "/api/v1/connections",
      token: owner.token,
      body: { name: "Sim", kind: "simulated" },
    });
    await call(connections.GET, { url: "/api/v1/connections", token: owner.token });
    await call(connection.PATCH, {
      url: `/api/v1/connections/${conn.body.id}`,
      token: owner.token,
      params: { id: conn.body.id },
      body: { name: "Sim 2" },
    });
    const spare = await call(connections.POST, {
      url: "/api/v1/connections",
      token: owner.token,
      body: { name: "Spare", kind: "simulated" },
    });
    await call(connection.DELETE, {
      url: `/api/v1/connections/${spare.body.id}`,
      token: owner.token,
      params: { id: spare.body.id },
    });
  });

  it("workspace: me, members, invitations (accepted anonymously with a new account), health, openapi", async () => {
    await call(me.GET, { url: "/api/v1/me", token: owner.token });
    await call(members.GET, { url: "/api/v1/members", token: owner.token });
    const userId = teammate.user.id;
    await call(member.PATCH, {
      url: `/api/v1/members/${userId}`,
      token: owner.token,
      params: { userId },
      body: { role: "operator" },
    });
    await call(member.DELETE, { url: `/api/v1/members/${userId}`, token: owner.token, params: { userId } });

    const email = `${uniqueId("invitee")}@example.test`;
    const invited = await call(invitations.POST, {
      url: "/api/v1/invitations",
      token: owner.token,
      body: { email, role: "operator" },
    });
    const inviteToken = new URL(invited.body.inviteUrl).pathname.split("/").at(-1)!;
    await call(invitations.GET, { url: "/api/v1/invitations", token: owner.token });
    await call(lookup.GET, { url: `/api/v1/invitations/lookup?token=${inviteToken}` });
    const accepted = await call(accept.POST, {
      url: "/api/v1/invitations/accept",
      body: { token: inviteToken, password: "a long enough password", name: "Invitee" },
    });
    expect(accepted.body.accountCreated).toBe(true);
    const other = await call(invitations.POST, {
      url: "/api/v1/invitations",
      token: owner.token,
      body: { email: `${uniqueId("other")}@example.test`, role: "viewer" },
    });
    await call(invitation.DELETE, {
      url: `/api/v1/invitations/${other.body.invitation.id}`,
      token: owner.token,
      params: { id: other.body.invitation.id },
    });

    await call(health.GET, { url: "/api/health" });
    await call(openapi.GET, { url: "/api/v1/openapi.json" });
  });

  it("refuses every authenticated route to an anonymous caller (401) and every record route to another workspace (404)", async () => {
    const outsider = await createWorkspaceWithMember("owner");
    const leaks: string[] = [];
    for (const [route, { handler, opts }] of replays) {
      if ("auth" in route.access) continue;
      const anonymous = await callRoute(handler, {
        ...opts,
        method: route.method,
        url: `${BASE}${opts.url}`,
        token: undefined,
      });
      if (anonymous.status !== 401) leaks.push(`${route.method} ${route.path} anonymous → ${anonymous.status}`);
      if (route.access.scope !== "record") continue;
      // Deleting routes are replayed on records that no longer exist: 404 would prove nothing.
      if (route.method === "DELETE" && !["/api/v1/tokens/{id}", "/api/v1/invitations/{id}"].includes(route.path))
        continue;
      const stranger = await callRoute(handler, {
        ...opts,
        method: route.method,
        url: `${BASE}${opts.url}`,
        token: outsider.token,
      });
      if (stranger.status !== 404) leaks.push(`${route.method} ${route.path} other workspace → ${stranger.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it("called every declared route with a success", () => {
    const missing = declaredRoutes()
      .filter(([, route]) => !called.has(route))
      .map(([name, route]) => `${name}: ${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });
});
