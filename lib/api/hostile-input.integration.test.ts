// Input that used to reach PostgreSQL or overflow the stack (issue 9, finding 10) is refused
// with 4xx problem+json through the real route handlers, and nothing is written.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember, uniqueId, type Member } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as webhooks from "@/app/api/v1/webhooks/route";

let owner: Member;
let sessionId = "";
const ONBOARDING = "http://localhost/api/v1/onboarding";

const writes = async () =>
  (await db().auditEvent.count()) +
  (await db().onboardingSession.count()) +
  (await db().apiToken.count()) +
  (await db().webhookEndpoint.count());

const patch = (body: unknown) =>
  callRoute(item.PATCH, {
    method: "PATCH",
    url: `${ONBOARDING}/${sessionId}`,
    token: owner.token,
    params: { id: sessionId },
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const progress = (result: string) =>
  `{"version":1,"status":"in_progress","provisionJobId":"job-1","steps":[{"key":"create_platform","status":"completed","result":${result}}]}`;

function expectProblem(res: Awaited<ReturnType<typeof callRoute>>, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  // The handler's general depth cap names the path down to where it stopped, below `field`.
  const fields: string[] = res.body.errors.map((e: { field: string }) => e.field);
  expect(
    fields.some((f) => f === field || f.startsWith(`${field}.`)),
    fields.join(", "),
  ).toBe(true);
}

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  const created = await callRoute(collection.POST, {
    method: "POST",
    url: ONBOARDING,
    token: owner.token,
    body: { platformName: "Hostile", slug: uniqueId("hostile"), tier: "starter" },
  });
  sessionId = created.body.onboardingId;
});

describe("lone surrogates", () => {
  it.each([
    [
      "POST /onboarding platformName",
      () =>
        callRoute(collection.POST, {
          method: "POST",
          url: ONBOARDING,
          token: owner.token,
          body: { platformName: "a\ud800b", slug: uniqueId("s"), tier: "starter" },
        }),
      "platformName",
    ],
    ["PATCH draft value", () => patch({ version: 1, draft: { answer: "\udc00" } }), "draft.answer"],
    ["PATCH draft key", () => patch({ version: 1, draft: { ["k\ud800"]: "x" } }), "draft.k\\ud800"],
    [
      "PATCH step label",
      () => patch({ version: 1, steps: [{ key: "create_platform", status: "completed", label: "\udbff" }] }),
      "steps.0.label",
    ],
    [
      "POST /tokens name",
      () =>
        callRoute(tokens.POST, {
          method: "POST",
          url: "http://localhost/api/v1/tokens",
          token: owner.token,
          body: { name: "\ud800", role: "viewer" },
        }),
      "name",
    ],
    [
      "POST /webhooks url",
      () =>
        callRoute(webhooks.POST, {
          method: "POST",
          url: "http://localhost/api/v1/webhooks",
          token: owner.token,
          body: { url: "https://example.com/\ud800", events: ["onboarding.completed"] },
        }),
      "url",
    ],
  ])("%s → 422 naming the field, nothing written", async (_what, send, field) => {
    const before = await writes();
    expectProblem(await send(), field);
    expect(await writes()).toBe(before);
  });
});

describe("cursors", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  it.each([
    ["year 0", encode(["0000-06-01T00:00:00.000Z", "x"])],
    ["a negative year", encode(["-000100-06-01T00:00:00.000Z", "x"])],
    ["year 10000", encode(["+010000-01-01T00:00:00.000Z", "x"])],
    ["year 275760", encode(["+275760-09-13T00:00:00.000Z", "x"])],
  ])("a cursor at %s → 4xx on `cursor`", async (_what, cursor) => {
    const res = await callRoute(collection.GET, { url: `${ONBOARDING}?cursor=${cursor}`, token: owner.token });
    expectProblem(res, "cursor");
  });

  it("a real cursor still pages", async () => {
    const first = await callRoute(collection.GET, { url: `${ONBOARDING}?limit=1`, token: owner.token });
    expect(first.status).toBe(200);
    if (first.body.nextCursor) {
      const next = await callRoute(collection.GET, {
        url: `${ONBOARDING}?limit=1&cursor=${first.body.nextCursor}`,
        token: owner.token,
      });
      expect(next.status).toBe(200);
    }
  });
});

describe("steps[].result", () => {
  it.each([
    ["3,000 deep", nested(3_000), "steps.0.result"],
    ["2,000 deep (was stored before)", nested(2_000), "steps.0.result"],
    ["33 deep", nested(33), "steps.0.result"],
    ["over 16 KiB", JSON.stringify({ log: "x".repeat(17 * 1024) }), "steps.0.result"],
  ])("%s → 4xx, nothing written", async (_what, result, field) => {
    const before = await writes();
    expectProblem(await patch(progress(result)), field);
    expect(await writes()).toBe(before);
    expect((await db().onboardingSession.findUniqueOrThrow({ where: { id: sessionId } })).version).toBe(1);
  });

  it("32 deep and under 16 KiB is stored and returned", async () => {
    const res = await patch(progress(nested(32)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    let depth = 0;
    for (let v = res.body.steps[0].result; Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(32);
  });
});
