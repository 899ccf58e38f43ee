// Fault 7: queue consumers starting at the same moment on a fresh database (no queues yet), as
// a rollout of several worker processes does. Each must start; one that fails leaves its share
// of the capacity missing (a worker process exits: "[worker] failed: deadlock detected").
//
// Worker processes start with too much jitter to collide reliably, so the collision is staged
// in this process: independent instances of lib/queue/queue.ts (a fresh module each, as in
// separate processes) call getBoss() at the same instant on a database whose pg-boss schema
// exists but whose queues do not — the state a fresh deployment is in once the first process
// has got through pg-boss' own (advisory-locked) schema creation.
import PgBoss from "pg-boss";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openScratchDatabase } from "./harness";

const ROUNDS = 5;
const INSTANCES = 2;

type QueueModule = typeof import("@/lib/queue/queue");
const started: QueueModule[] = [];
let database: Awaited<ReturnType<typeof openScratchDatabase>> | undefined;

async function freshQueueModule(): Promise<QueueModule> {
  vi.resetModules();
  delete (globalThis as { __onrampQueue?: unknown }).__onrampQueue;
  return import("@/lib/queue/queue");
}

async function stopAll() {
  for (const q of started.splice(0)) await q.stopQueue({ graceful: false }).catch(() => undefined);
}

afterAll(async () => {
  await stopAll();
  await database?.drop().catch(() => undefined);
});

describe("fault: queue consumers start at once on a fresh database", () => {
  it(`starts ${INSTANCES} queue instances at the same instant, ${ROUNDS} times over`, async () => {
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      database = await openScratchDatabase(`race${round}`, { createQueues: false });
      const schemaOnly = new PgBoss({ connectionString: database.url, schema: "pgboss" });
      schemaOnly.on("error", () => undefined);
      await schemaOnly.start();
      await schemaOnly.stop({ graceful: false, wait: true });

      const modules: QueueModule[] = [];
      for (let i = 0; i < INSTANCES; i++) modules.push(await freshQueueModule());
      started.push(...modules);
      const results = await Promise.allSettled(modules.map((q) => q.getBoss()));
      results.forEach((r, i) => {
        if (r.status === "rejected") failures.push(`round ${round}, instance ${i}: ${(r.reason as Error).message}`);
      });
      await stopAll();
      await database.drop();
      database = undefined;
    }
    console.log(
      `[fault:startup-race] ${ROUNDS}×${INSTANCES} simultaneous queue starts: ${failures.length} failed${failures.length ? ` (${failures[0]})` : ""}`,
    );
    expect(failures).toEqual([]);
  });
});
