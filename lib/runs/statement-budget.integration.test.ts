// The statements one onboarding costs, as a budget: create with autoStart, Verify Access, the
// bootstrap POST and the bootstrap (simulated provider, no delay). Route handlers and the
// worker's processRun run in this process, every statement recorded at pg.Client.query — the
// census behind BENCHMARKS.md ("Fewer statements per onboarding"). A change that adds statements
// to this path fails here; if it must, raise the budget and say why in BENCHMARKS.md.
// Not counted: heartbeats (a slow machine renews the lease mid-run) and pg-boss' own
// maintenance; counted: the job each start sends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as me from "@/app/api/v1/me/route";
import { db } from "@/lib/db/client";
import { getBoss, stopQueue } from "@/lib/queue/queue";
import { installQueryRecorder, recordStatements } from "@/scripts/bench/lib/census";
import { processRun } from "./execute-run";

const BUDGET = {
  "POST /onboarding with autoStart": 9,
  "Verify Access run": 10,
  "POST /onboarding/:id/bootstrap": 9,
  "bootstrap run": 26,
};

let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  owner = await createWorkspaceWithMember("owner");
  await getBoss(); // started before recording: its start-up statements are not an onboarding's
  // The token's first use records it (once a minute); that is not an onboarding's statement either.
  expect((await callRoute(me.GET, { url: "http://localhost/api/v1/me", token: owner.token })).status).toBe(200);
  installQueryRecorder();
});

afterAll(async () => {
  await stopQueue({ graceful: false });
});

const counted = (sql: string) =>
  !/SET "heartbeatAt" = \$1 WHERE/.test(sql) && (!/pgboss\./.test(sql) || /^\s*INSERT INTO pgboss\.job/.test(sql));

describe("one onboarding's statements", () => {
  it("stay within their budget, phase by phase", async () => {
    const census: Partial<Record<keyof typeof BUDGET, string[]>> = {};
    const record = async (phase: keyof typeof BUDGET, fn: () => Promise<void>) => {
      census[phase] = (await recordStatements(fn)).statements.map((s) => s.sql).filter(counted);
    };

    let id = "";
    let verifyRun = "";
    await record("POST /onboarding with autoStart", async () => {
      const res = await callRoute(collection.POST, {
        method: "POST",
        url: "http://localhost/api/v1/onboarding",
        token: owner.token,
        body: {
          platformName: "Budget",
          slug: `budget-${Date.now()}`,
          tier: "growth",
          autoStart: true,
          simulation: { stepDelayMs: 0 },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      id = res.body.onboardingId;
      verifyRun = res.body.jobId;
    });
    await record("Verify Access run", () => processRun(verifyRun));
    const { version } = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    let bootstrapRun = "";
    await record("POST /onboarding/:id/bootstrap", async () => {
      const res = await callRoute(bootstrap.POST, {
        method: "POST",
        url: "http://x",
        token: owner.token,
        params: { id },
        body: { version },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      bootstrapRun = res.body.run.id;
    });
    await record("bootstrap run", () => processRun(bootstrapRun));

    expect((await db().onboardingSession.findUniqueOrThrow({ where: { id } })).lifecycleState).toBe(
      "ready_for_activation",
    );
    for (const [phase, budget] of Object.entries(BUDGET)) {
      const statements = census[phase as keyof typeof BUDGET]!;
      const listing = statements.map((s) => s.replace(/\s+/g, " ").slice(0, 120)).join("\n");
      expect(statements.length, `${phase}:\n${listing}`).toBeLessThanOrEqual(budget);
    }
  });
});
