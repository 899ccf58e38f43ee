// Measurement 3: operation runs.
//  - Pickup latency (OperationRun.createdAt → startedAt) of Verify Access runs started at a
//    steady rate, executed by the web process's inline worker vs. a standalone worker process.
//  - Onboardings through the whole pipeline (verify + bootstrap, simulated provider, zero step
//    delay) with 1 and 2 worker processes, the web process not executing runs.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { sendJson, mapLimit } from "../lib/load";
import { DbCpuSampler } from "../lib/db-stats";
import { treeCpuMs } from "../lib/proc";
import { startWorkerProcess } from "../lib/processes";
import type { Ctx, PickupRound, PipelineBatch } from "../context";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slug = (prefix: string) => `${prefix}-${randomBytes(5).toString("hex")}`;
const simulation = { stepDelayMs: 0 };

async function waitForRuns(prisma: PrismaClient, runIds: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await prisma.operationRun.findMany({
      where: { id: { in: runIds } },
      select: { id: true, createdAt: true, startedAt: true, status: true },
    });
    if (rows.every((r) => r.status === "completed") || Date.now() > deadline) return rows;
    await sleep(250);
  }
}

async function pickupBatch(ctx: Ctx, mode: "inline" | "standalone", round: number, n: number): Promise<PickupRound> {
  const web = (mode === "inline" ? ctx.webA : ctx.webB)!;
  const token = mode === "inline" ? ctx.tokenA : ctx.tokenB;
  const prisma = mode === "inline" ? ctx.a.prisma : ctx.b.prisma;
  const interval = 1000 / ctx.settings.pickupRatePerSecond;
  const runIds: string[] = [];
  const sent: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const wait = t0 + i * interval - Date.now();
    if (wait > 0) await sleep(wait);
    sent.push(
      sendJson<{ jobId?: string }>(web.port, {
        method: "POST",
        path: "/api/v1/onboarding",
        headers: { authorization: `Bearer ${token}` },
        json: {
          platformName: "Pickup",
          slug: slug(`pickup-${mode[0]}${round}`),
          tier: "starter",
          autoStart: true,
          simulation,
        },
      }).then((res) => {
        if (res.status === 202 && res.body.jobId) runIds.push(res.body.jobId);
        else
          ctx.results.failures.push(
            `pickup ${mode}: POST answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }),
    );
  }
  await Promise.all(sent);
  const rows = await waitForRuns(prisma, runIds, 60_000);
  const latencies = rows.filter((r) => r.startedAt).map((r) => r.startedAt!.getTime() - r.createdAt.getTime());
  return { round, mode, runs: runIds.length, latencies, unstarted: rows.length - latencies.length };
}

export async function measurePickup(ctx: Ctx): Promise<void> {
  const s = ctx.settings;
  // Not measured: the first runs of a freshly started worker (JIT, pools, queue caches).
  for (const mode of ["inline", "standalone"] as const) await pickupBatch(ctx, mode, 0, s.quick ? 3 : 10);
  for (let round = 1; round <= s.rounds; round++) {
    const perRound = Math.floor(s.pickupRuns / s.rounds) + (round <= s.pickupRuns % s.rounds ? 1 : 0);
    const modes: ("inline" | "standalone")[] = round % 2 ? ["inline", "standalone"] : ["standalone", "inline"];
    for (const mode of modes) {
      const r = await pickupBatch(ctx, mode, round, perRound);
      ctx.results.pickup.push(r);
      const sorted = [...r.latencies].sort((a, b) => a - b);
      ctx.log(
        `pickup r${round} ${mode}: ${r.runs} runs, p50 ${sorted[Math.floor(sorted.length / 2)] ?? NaN} ms, max ${sorted[sorted.length - 1] ?? NaN} ms, unstarted ${r.unstarted}`,
      );
    }
  }
}

type Tracked = { bootstrapSent: boolean };

async function pipelineBatch(ctx: Ctx, round: number, workers: number, onboardings: number): Promise<PipelineBatch> {
  const web = ctx.webB!;
  const prisma = ctx.b.prisma;
  const auth = { authorization: `Bearer ${ctx.tokenB}` };
  const capMs = ctx.settings.pipelineBatchSeconds * 1000;
  // Enough onboardings in flight that no worker slot waits for this driver: an onboarding spends
  // one or two of its 100 ms polling turns between its runs and after them. At 4 per slot (until
  // 2026-12-04) the slots did wait — the driver, not the workers, set the pace (BENCHMARKS.md,
  // "A driver that kept the workers waiting").
  const inflightMax = ctx.settings.pipelineInflightPerSlot * ctx.settings.workerConcurrency * workers;
  const active = new Map<string, Tracked>();
  const all: string[] = [];
  let created = 0;
  let completed = 0;
  let failed = 0;
  const webCpu0 = treeCpuMs(web.pid);
  const workerCpu0 = ctx.workers.reduce((a, w) => a + treeCpuMs(w.pid), 0);
  const dbCpu = new DbCpuSampler(ctx.admin, [ctx.b.name]);
  await dbCpu.start();
  const t0 = Date.now();
  const deadline = t0 + capMs;
  while (Date.now() < deadline && (created < onboardings || active.size > 0)) {
    const room = Math.min(inflightMax - active.size, onboardings - created);
    if (room > 0) {
      created += room;
      await mapLimit(Array.from({ length: room }), 8, async () => {
        const res = await sendJson<{ onboardingId?: string }>(web.port, {
          method: "POST",
          path: "/api/v1/onboarding",
          headers: auth,
          json: {
            platformName: "Pipeline",
            slug: slug(`pipe-${round}-${workers}w`),
            tier: "growth",
            autoStart: true,
            simulation,
          },
        });
        if (res.status === 202 && res.body.onboardingId) {
          active.set(res.body.onboardingId, { bootstrapSent: false });
          all.push(res.body.onboardingId);
        } else {
          failed++;
          ctx.results.failures.push(
            `pipeline: create answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
      });
    }
    const rows = await prisma.onboardingSession.findMany({
      where: { id: { in: [...active.keys()] } },
      select: { id: true, version: true, lifecycleState: true },
    });
    const toStart: { id: string; version: number }[] = [];
    for (const row of rows) {
      const tracked = active.get(row.id)!;
      if (row.lifecycleState === "ready_for_bootstrap" && !tracked.bootstrapSent) toStart.push(row);
      else if (row.lifecycleState === "ready_for_activation") {
        completed++;
        active.delete(row.id);
      } else if (["action_required", "bootstrap_failed", "cancelled"].includes(row.lifecycleState)) {
        failed++;
        active.delete(row.id);
        ctx.results.failures.push(`pipeline: onboarding ${row.id} ended in ${row.lifecycleState}`);
      }
    }
    await mapLimit(toStart, 8, async (row) => {
      const res = await sendJson(web.port, {
        method: "POST",
        path: `/api/v1/onboarding/${row.id}/bootstrap`,
        headers: auth,
        json: { version: row.version },
      });
      if (res.status === 202 || res.status === 200) active.get(row.id)!.bootstrapSent = true;
      else if (res.status !== 409)
        ctx.results.failures.push(
          `pipeline: bootstrap answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
    });
    await sleep(100);
  }
  const end = new Date();
  const cappedByTime = created < onboardings || active.size > 0;
  const runs = await prisma.operationRun.findMany({
    where: { sessionId: { in: all }, status: "completed", finishedAt: { lte: end } },
    select: { finishedAt: true },
  });
  const lastFinish = runs.reduce((m, r) => Math.max(m, r.finishedAt?.getTime() ?? 0), 0);
  const seconds = (cappedByTime ? end.getTime() - t0 : Math.max(lastFinish, t0 + 1) - t0) / 1000;
  const elapsedMs = end.getTime() - t0;
  const batch: PipelineBatch = {
    round,
    workers,
    created: all.length,
    completedOnboardings: completed,
    failedOnboardings: failed,
    runsCompleted: runs.length,
    seconds,
    cappedByTime,
    webCpuPct: ((treeCpuMs(web.pid) - webCpu0) / elapsedMs) * 100,
    workerCpuPct: ((ctx.workers.reduce((a, w) => a + treeCpuMs(w.pid), 0) - workerCpu0) / elapsedMs) * 100,
    dbCpuPct: ((await dbCpu.stop()) / elapsedMs) * 100,
  };
  // Let what is still running finish, so that the next batch starts from an empty queue.
  const drainUntil = Date.now() + 90_000;
  while (
    Date.now() < drainUntil &&
    (await prisma.operationRun.count({ where: { sessionId: { in: all }, status: { in: ["queued", "running"] } } })) > 0
  ) {
    await sleep(250);
  }
  return batch;
}

export async function measurePipeline(ctx: Ctx): Promise<void> {
  const s = ctx.settings;
  const perBatch = Math.ceil(s.pipelineOnboardings / s.rounds);
  for (let round = 1; round <= s.rounds; round++) {
    const order = round % 2 ? [1, 2] : [2, 1];
    for (const workers of order) {
      while (ctx.workers.length < workers) {
        ctx.workers.push(
          await startWorkerProcess({
            name: `worker-${ctx.workers.length + 1}`,
            logDir: ctx.logDir,
            databaseUrl: ctx.b.url,
            concurrency: s.workerConcurrency,
            secrets: ctx.secrets,
          }),
        );
      }
      while (ctx.workers.length > workers) await ctx.workers.pop()!.stop();
      const batch = await pipelineBatch(ctx, round, workers, perBatch);
      ctx.results.pipeline.push(batch);
      ctx.log(
        `pipeline r${round} ${workers} worker(s): ${batch.completedOnboardings}/${batch.created} onboardings, ${batch.runsCompleted} runs in ${batch.seconds.toFixed(1)} s ` +
          `(${(batch.runsCompleted / batch.seconds).toFixed(1)} runs/s)${batch.cappedByTime ? " [time cap]" : ""}; CPU web ${batch.webCpuPct.toFixed(0)}%, ` +
          `workers ${batch.workerCpuPct.toFixed(0)}%, db ${batch.dbCpuPct.toFixed(0)}%`,
      );
    }
  }
}
