// Measurement 6: takeover after `kill -9` of the worker executing a bootstrap mid-step, with
// the old settings (lease stale after 15 s, no sweep: the dead worker's queue job must expire
// after 20 s and pg-boss maintenance hand it out again) and the current ones (heartbeat 0.5 s,
// lease stale after 3 s, a sweep every 0.5 s re-queues the run). Same build, same database, two
// worker processes per mode; takeover = kill → another worker holds the run's lease.
import { randomBytes } from "node:crypto";
import { sendJson } from "../lib/load";
import { startWorkerProcess } from "../lib/processes";
import type { Child } from "../lib/processes";
import type { Ctx, TakeoverRound } from "../context";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const TAKEOVER_MODES = {
  before: { RUN_LEASE_STALE_MS: "15000", RUN_HEARTBEAT_MS: "1000", RUN_SWEEP_MS: "0", RUN_JOB_EXPIRE_SECONDS: "20" },
  after: {},
} as const;

let diagnose: (() => Promise<string>) | null = null;

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${diagnose ? `: ${await diagnose()}` : ""}`);
    await sleep(everyMs);
  }
}

export async function measureTakeover(ctx: Ctx): Promise<void> {
  const web = ctx.webB!;
  const prisma = ctx.b.prisma;
  const kills = ctx.settings.quick ? 3 : 5;
  // The other phases' workers would compete for the runs: only this phase's workers run now.
  for (const w of ctx.workers.splice(0)) await w.stop();
  // The web process sets the queue's options (job expiry) when its queue starts, at its first
  // run: start it now, so that the workers started after it decide the expiry of each mode.
  await sendJson(web.port, {
    method: "POST",
    path: "/api/v1/onboarding",
    headers: { authorization: `Bearer ${ctx.tokenB}` },
    json: {
      platformName: "Takeover warm-up",
      slug: `takeover-${randomBytes(5).toString("hex")}`,
      tier: "starter",
      autoStart: true,
      simulation: { stepDelayMs: 0 },
    },
  });
  for (const mode of ["before", "after"] as const) {
    const spawn = (i: number) =>
      startWorkerProcess({
        name: `takeover-${mode}-${i}`,
        logDir: ctx.logDir,
        databaseUrl: ctx.b.url,
        concurrency: 2,
        secrets: ctx.secrets,
        env: TAKEOVER_MODES[mode],
      });
    let workers: Child[] = await Promise.all([spawn(0), spawn(1)]);
    const round: TakeoverRound = { mode, takeoversMs: [], completed: 0 };
    for (let k = 0; k < kills; k++) {
      const created = await sendJson<{ onboardingId: string }>(web.port, {
        method: "POST",
        path: "/api/v1/onboarding",
        headers: { authorization: `Bearer ${ctx.tokenB}` },
        json: {
          platformName: "Takeover",
          slug: `takeover-${randomBytes(5).toString("hex")}`,
          tier: "starter",
          autoStart: true,
          simulation: { stepDelayMs: 2000 },
        },
      });
      const id = created.body.onboardingId;
      const session = await until(
        "verify access",
        async () => {
          const s = await prisma.onboardingSession.findUnique({ where: { id } });
          return s?.lifecycleState === "ready_for_bootstrap" ? s : null;
        },
        60_000,
        200,
      );
      const boot = await sendJson<{ run: { id: string } }>(web.port, {
        method: "POST",
        path: `/api/v1/onboarding/${id}/bootstrap`,
        headers: { authorization: `Bearer ${ctx.tokenB}` },
        json: { version: session.version },
      });
      const runId = boot.body.run.id;
      diagnose = async () => {
        const r = await prisma.operationRun.findUnique({ where: { id: runId }, include: { steps: true } });
        const jobs = await prisma.$queryRawUnsafe<unknown[]>(
          `SELECT state::text, retry_count, started_on, expire_in::text, start_after FROM pgboss.job WHERE name = 'operation-run' AND data->>'runId' = $1`,
          runId,
        );
        return JSON.stringify({
          run: r && {
            status: r.status,
            leaseOwner: r.leaseOwner,
            heartbeatAt: r.heartbeatAt,
            gen: r.leaseGeneration,
            steps: r.steps.map((s) => `${s.key}:${s.status}`),
          },
          jobs,
          pids: workers.map((w) => w.pid),
        });
      };
      const owner = await until(
        "a provider step running",
        async () => {
          const r = await prisma.operationRun.findUnique({ where: { id: runId }, include: { steps: true } });
          return r?.leaseOwner && r.steps.some((s) => s.status === "running" && s.key !== "create_platform")
            ? r.leaseOwner
            : null;
        },
        60_000,
      );
      const victim = workers.find((w) => owner.startsWith(`${w.pid}-`));
      if (!victim) throw new Error(`lease holder ${owner} is not one of the phase's workers`);
      await sleep(500);
      process.kill(victim.pid, "SIGKILL");
      const killedAt = Date.now();
      const took = await until(
        `takeover of run ${runId} after killing ${victim.name} (pid ${victim.pid})`,
        async () => {
          const r = await prisma.operationRun.findUnique({ where: { id: runId } });
          return (r?.leaseOwner && !r.leaseOwner.startsWith(`${victim.pid}-`)) || r?.status === "completed"
            ? Date.now() - killedAt
            : null;
        },
        120_000,
        25,
      );
      round.takeoversMs.push(took);
      ctx.log(`takeover ${mode} #${k + 1}: ${(took / 1000).toFixed(1)} s`);
      await victim.stop().catch(() => undefined);
      workers = [...workers.filter((w) => w !== victim), await spawn(k + 2)];
      const done = await until(
        "the bootstrap to finish",
        async () => {
          const r = await prisma.operationRun.findUnique({ where: { id: runId } });
          return r?.status === "completed" ? r : null;
        },
        120_000,
        200,
      );
      if (done.outcome === "succeeded") round.completed++;
      else ctx.results.failures.push(`takeover ${mode}: bootstrap ${runId} ended ${done.outcome}`);
    }
    ctx.results.takeover.push(round);
    for (const w of workers) await w.stop();
  }
}
