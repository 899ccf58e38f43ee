// Property tests: random and hostile input to every write route never yields a 500, never a
// stack trace, and a refused request writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { createWorkspaceWithMember, type RouteHandler } from "@/test/fixtures";
import * as onboarding from "@/app/api/v1/onboarding/route";
import * as onboardingItem from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as activate from "@/app/api/v1/onboarding/[id]/activate/route";
import * as cancel from "@/app/api/v1/onboarding/[id]/cancel/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as webhooks from "@/app/api/v1/webhooks/route";
import * as connections from "@/app/api/v1/connections/route";
import * as invitations from "@/app/api/v1/invitations/route";
import * as acceptInvitation from "@/app/api/v1/invitations/accept/route";

const hostileKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "version",
  "slug",
  "$where",
  "",
);
const hostileString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom(
    "\u0000",
    "\u202e",
    "😀".repeat(200),
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x".repeat(5000),
  ),
);
const leaf = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt().map(String),
);
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 12 })), tie("value"), { maxKeys: 6 }),
})).value;

/** A body that may also be structurally wrong: not an object, deeply nested, or not JSON at all. */
const body = fc.oneof(
  { weight: 6, arbitrary: hostileJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((d) => "[".repeat(d) + "]".repeat(d)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  },
);

let token = "";
let sessionId = "";

beforeAll(async () => {
  const owner = await createWorkspaceWithMember("owner");
  token = owner.token;
  const res = await onboarding.POST(
    new NextRequest("http://localhost/api/v1/onboarding", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ platformName: "Fuzz", slug: `fuzz-${Date.now().toString(36)}`, tier: "starter" }),
    }),
    { params: Promise.resolve({}) },
  );
  sessionId = (await res.json()).onboardingId;
});

const writeCount = async () =>
  (await db().auditEvent.count()) +
  (await db().onboardingSession.count()) +
  (await db().operationRun.count()) +
  (await db().invitation.count());

const ROUTES: [string, RouteHandler, string, () => Record<string, string>][] = [
  ["POST /onboarding", onboarding.POST as RouteHandler, "POST", () => ({})],
  ["PATCH /onboarding/:id", onboardingItem.PATCH as RouteHandler, "PATCH", () => ({ id: sessionId })],
  ["POST /onboarding/:id/verify-access", verify.POST as RouteHandler, "POST", () => ({ id: sessionId })],
  ["POST /onboarding/:id/activate", activate.POST as RouteHandler, "POST", () => ({ id: sessionId })],
  ["POST /onboarding/:id/cancel", cancel.POST as RouteHandler, "POST", () => ({ id: sessionId })],
  ["POST /tokens", tokens.POST as RouteHandler, "POST", () => ({})],
  ["POST /webhooks", webhooks.POST as RouteHandler, "POST", () => ({})],
  ["POST /connections", connections.POST as RouteHandler, "POST", () => ({})],
  ["POST /invitations", invitations.POST as RouteHandler, "POST", () => ({})],
  ["POST /invitations/accept", acceptInvitation.POST as RouteHandler, "POST", () => ({})],
];

describe("hostile input", () => {
  for (const [name, handler, method, params] of ROUTES) {
    it(`${name}: never a 500, never a stack trace, a refusal writes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.option(fc.constantFrom('"1"', 'W/"999"', "*", "garbage"), { nil: undefined }),
          async (raw, ifMatch) => {
            const before = await writeCount();
            const res = await handler(
              new NextRequest(`http://localhost/api/v1/x`, {
                method,
                headers: {
                  authorization: `Bearer ${token}`,
                  "content-type": "application/json",
                  ...(ifMatch ? { "if-match": ifMatch } : {}),
                },
                body: raw,
              }),
              { params: Promise.resolve(params()) },
            );
            const text = await res.text();
            expect(res.status, text).toBeLessThan(500);
            expect(text).not.toMatch(/\bat\s.+\.(ts|js):\d+/);
            if (res.status >= 400) {
              expect(res.headers.get("content-type")).toContain("application/problem+json");
              expect(await writeCount()).toBe(before);
            }
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it("hostile query strings on the list endpoint never yield a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom("status", "lifecycle", "q", "cursor", "limit", "workspace", "__proto__", "x"),
          hostileString,
          { maxKeys: 4 },
        ),
        async (query) => {
          const url = new URL("http://localhost/api/v1/onboarding");
          for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
          const res = await onboarding.GET(new NextRequest(url, { headers: { authorization: `Bearer ${token}` } }), {
            params: Promise.resolve({}),
          });
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("hostile ids in the path answer 404 or 422, never 500", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (id) => {
        const res = await onboardingItem.GET(
          new NextRequest("http://localhost/api/v1/onboarding/x", { headers: { authorization: `Bearer ${token}` } }),
          {
            params: Promise.resolve({ id }),
          },
        );
        expect([404, 422]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
  });
});
