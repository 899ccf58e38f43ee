// Contention 5: no lost update. 20 PATCHes based on the same version race: exactly one wins,
// the others get 409 (body version) or 412 (If-Match), and the row is exactly the winner's
// write. Then operators keep editing while a bootstrap's worker writes the same row: every
// operator write either lands (and is still there at the end) or is refused with 409
// (version_conflict / run_active); the run's own writes are not lost either.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { startWorker } from "@/lib/runs/worker";
import { createWorkspaceWithMember, type CallResult, type Member } from "@/test/fixtures";
import {
  assertNoRunStuckAnywhere,
  assertWorkspaceConsistent,
  createOnboarding,
  getOnboarding,
  patchOnboarding,
  Recorder,
  seconds,
  sessionAction,
  uniqueSlug,
  openScratchDatabase,
  waitFor,
} from "./harness";

const RACERS = 20;

let database: Awaited<ReturnType<typeof openScratchDatabase>>;
let owner: Member;
const rec = new Recorder();

beforeAll(async () => {
  database = await openScratchDatabase("lost");
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await database?.drop();
});

async function newSession(stepDelayMs: number) {
  const res = await createOnboarding(rec, owner.token, {
    platformName: "Contended",
    slug: uniqueSlug("lost"),
    tier: "growth",
    simulation: { stepDelayMs },
  });
  expect(res.status).toBe(202);
  return { id: res.body.onboardingId as string, version: res.body.version as number };
}

const sessionEvents = (id: string) =>
  db().auditEvent.findMany({
    where: { targetType: "onboarding_session", targetId: id },
    orderBy: { toVersion: "asc" },
  });

describe("contention: no lost update", () => {
  it(`lets exactly one of ${RACERS} PATCHes on the same version through (body version → 409)`, async () => {
    const { id, version } = await newSession(20);
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        patchOnboarding(rec, owner.token, id, { version, platformName: `Writer ${i}`, draft: { writer: `w${i}` } }),
      ),
    );
    const winners = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 200);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => r.status !== 200);
    expect(losers.map((r) => [r.status, r.body.code])).toEqual(Array(RACERS - 1).fill([409, "version_conflict"]));
    // A refused write says where the row is now, so the client can reload and re-apply.
    for (const l of losers) expect(l.body).toMatchObject({ expectedVersion: version, currentVersion: version + 1 });

    const w = winners[0].i;
    const row = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ version: version + 1, platformName: `Writer ${w}`, draft: { writer: `w${w}` } });
    expect(winners[0].r.body).toMatchObject({ version: version + 1, platformName: `Writer ${w}` });
    const events = await sessionEvents(id);
    expect(events.filter((e) => e.action === "onboarding.updated").map((e) => [e.fromVersion, e.toVersion])).toEqual([
      [version, version + 1],
    ]);
    const got = await getOnboarding(rec, owner.token, id);
    expect(got.headers.get("etag")).toBe(`"${version + 1}-owner"`); // version and the reader's role
  });

  it(`lets exactly one of ${RACERS} PATCHes with the same If-Match through (the others 412)`, async () => {
    const { id, version } = await newSession(20);
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        patchOnboarding(
          rec,
          owner.token,
          id,
          { tier: i % 2 ? "scale" : "starter", draft: { writer: `m${i}` } },
          { "if-match": `"${version}"` },
        ),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).map((r) => [r.status, r.body.code])).toEqual(
      Array(RACERS - 1).fill([412, "precondition_failed"]),
    );
    const i = results.findIndex((r) => r.status === 200);
    expect(await db().onboardingSession.findUniqueOrThrow({ where: { id } })).toMatchObject({
      version: version + 1,
      tier: i % 2 ? "scale" : "starter",
      draft: { writer: `m${i}` },
    });
  });

  it("never drops an operator's write while a bootstrap writes the same session", async () => {
    const { id } = await newSession(20);
    const v = await sessionAction(rec, owner.token, id, "verify-access");
    expect(v.status).toBe(202);
    await waitFor(
      "verification",
      async () => (await db().operationRun.findFirst({ where: { id: v.body.run.id, status: "completed" } })) ?? null,
      { timeoutMs: 30_000 },
    );
    await db().onboardingSession.update({ where: { id }, data: { simulation: { stepDelayMs: 400 } } });
    const b = await sessionAction(rec, owner.token, id, "bootstrap");
    expect(b.status).toBe(202);
    const runId = b.body.run.id as string;

    const accepted: { key: string; version: number }[] = [];
    const refused: { key: string; status: number; code: string }[] = [];
    const identity: CallResult[] = [];
    let running = true;
    const started = Date.now();
    const operator = async (k: number) => {
      for (let n = 0; running && Date.now() - started < 30_000; n++) {
        const current = (await getOnboarding(rec, owner.token, id)).body;
        const key = `op${k}_${n}`;
        if (n % 5 === 4) {
          // Identity edits are refused while the run is active (or once bootstrap started).
          identity.push(
            await patchOnboarding(rec, owner.token, id, { version: current.version, platformName: `Renamed ${key}` }),
          );
          continue;
        }
        const res = await patchOnboarding(rec, owner.token, id, { version: current.version, draft: { [key]: n } });
        if (res.status === 200) accepted.push({ key, version: res.body.version });
        else refused.push({ key, status: res.status, code: res.body.code });
      }
    };
    const operators = Promise.all([0, 1, 2, 3].map(operator));
    const run = await waitFor(
      "the bootstrap to finish under contention",
      async () => {
        const r = await db().operationRun.findUnique({
          where: { id: runId },
          include: { steps: { orderBy: { position: "asc" } } },
        });
        return r?.status === "completed" ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    running = false;
    await operators;
    const tookMs = Date.now() - started;

    // The run's own writes survived the operators (and it was not failed by the contention).
    expect([run.outcome, run.reasonCode, run.steps.map((s) => s.errorMessage).filter(Boolean)]).toEqual([
      "succeeded",
      null,
      [],
    ]);
    const final = await db().onboardingSession.findUniqueOrThrow({ where: { id } });
    expect(final.lifecycleState).toBe("ready_for_activation");
    expect(final.platformId).toBeTruthy();

    // Every accepted operator write is still there; no refused one is.
    const draft = final.draft as Record<string, unknown>;
    expect(accepted.length).toBeGreaterThan(0);
    expect(
      accepted.filter((a) => !(a.key in draft)).map((a) => a.key),
      "accepted writes missing from the final row",
    ).toEqual([]);
    expect(
      refused.filter((r) => r.key in draft).map((r) => r.key),
      "refused writes present in the final row",
    ).toEqual([]);
    expect(
      refused.filter((r) => !(r.status === 409 && (r.code === "version_conflict" || r.code === "run_active"))),
    ).toEqual([]);
    // Each accepted write made its own version.
    expect(new Set(accepted.map((a) => a.version)).size).toBe(accepted.length);
    expect(identity.length).toBeGreaterThan(0);
    expect(
      identity
        .filter(
          (r) =>
            !(
              r.status === 409 &&
              ["run_active", "version_conflict", "identity_locked"].includes(r.body.reasonCode ?? r.body.code)
            ),
        )
        .map((r) => [r.status, r.body.code, r.body.reasonCode]),
    ).toEqual([]);
    const identityCodes = [...new Set(identity.map((r) => r.body.reasonCode ?? r.body.code))];
    expect(final.platformName).toBe("Contended");
    const events = await sessionEvents(id);
    expect(events.filter((e) => e.action === "onboarding.updated")).toHaveLength(accepted.length);

    await assertWorkspaceConsistent(owner.workspace.id);
    await assertNoRunStuckAnywhere();
    console.log(
      `[fault:lost-update] bootstrap finished in ${seconds(tookMs)} under 4 operators: ${accepted.length} edits landed, ` +
        `${refused.length} refused (${[...new Set(refused.map((r) => r.code))].join(", ")}), ${identity.length} identity edits refused (${identityCodes.join(", ")}); ` +
        `session at version ${final.version}`,
    );
  });
});
