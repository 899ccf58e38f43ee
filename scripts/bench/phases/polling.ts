// Measurement 2: the cost of polling. N operators, each with its own browser session (cookie)
// and its own onboarding in `verifying`, poll GET /onboarding/:id with If-None-Match every 5 s
// (what the wizard does while a checkpoint is active). Reports CPU of the app and of its
// PostgreSQL backends, p99, and the database work per poll from pg_stat_user_tables.
import { DbCpuSampler, diffCounters, STATS_FLUSH_MS, tableCounters, type TableCounters } from "../lib/db-stats";
import { openLoop } from "../lib/load";
import { treeCpuMs } from "../lib/proc";
import type { Ctx } from "../context";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU of the app and its backends while nothing is sent (the inline worker polls its queue). */
export async function measureIdle(ctx: Ctx, ms: number): Promise<void> {
  const web = ctx.webA!;
  const dbCpu = new DbCpuSampler(ctx.admin, [ctx.a.name]);
  await dbCpu.start();
  const cpu0 = treeCpuMs(web.pid);
  const t0 = Date.now();
  await sleep(ms);
  const elapsed = Date.now() - t0;
  ctx.results.idle = {
    serverCpuPct: ((treeCpuMs(web.pid) - cpu0) / elapsed) * 100,
    dbCpuPct: ((await dbCpu.stop()) / elapsed) * 100,
  };
  ctx.log(
    `idle: app ${ctx.results.idle.serverCpuPct.toFixed(1)}% CPU, db ${ctx.results.idle.dbCpuPct.toFixed(1)}% (inline worker polling its queue)`,
  );
}

export async function measurePolling(ctx: Ctx): Promise<void> {
  const web = ctx.webA!;
  const s = ctx.settings;
  const levels = s.pollLevels.filter((n) => n <= ctx.operators.length);
  // The idle window doubles as the wait for the statistics of earlier phases to be published.
  await measureIdle(ctx, Math.max(STATS_FLUSH_MS, 5_000));
  const before = await tableCounters(ctx.a.stats);
  let polls = 0;
  for (let round = 1; round <= s.rounds; round++) {
    const order = round % 2 ? levels : [...levels].reverse();
    for (const n of order) {
      const dbCpu = new DbCpuSampler(ctx.admin, [ctx.a.name]);
      await dbCpu.start();
      const cpu0 = treeCpuMs(web.pid);
      const t0 = Date.now();
      const result = await openLoop({
        port: web.port,
        clients: n,
        periodMs: s.pollPeriodMs,
        windowMs: s.pollWindowMs,
        expect: 304,
        seed: round * 100_003 + n,
        spec: (i) => {
          const op = ctx.operators[i];
          return {
            path: `/api/v1/onboarding/${op.sessionId}`,
            headers: { cookie: op.cookie, "if-none-match": op.etag },
          };
        },
      });
      const elapsed = Date.now() - t0;
      const serverCpuMs = treeCpuMs(web.pid) - cpu0;
      const dbCpuMs = await dbCpu.stop();
      polls += result.requests;
      const netServer = serverCpuMs - (ctx.results.idle.serverCpuPct / 100) * elapsed;
      const netDb = dbCpuMs - (ctx.results.idle.dbCpuPct / 100) * elapsed;
      ctx.results.polling.push({
        round,
        operators: n,
        result,
        serverCpuPct: (serverCpuMs / elapsed) * 100,
        dbCpuPct: (dbCpuMs / elapsed) * 100,
        serverCpuMsPer1000: (netServer / Math.max(1, result.requests)) * 1000,
        dbCpuMsPer1000: (netDb / Math.max(1, result.requests)) * 1000,
      });
      ctx.log(
        `poll r${round} N=${n}: ${result.requests} polls (${result.rps.toFixed(0)}/s), p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
          `app ${((serverCpuMs / elapsed) * 100).toFixed(0)}% CPU, db ${((dbCpuMs / elapsed) * 100).toFixed(0)}%, skipped ${result.skipped}, lag p99 ${result.dispatchLagP99.toFixed(1)} ms` +
          (result.errors ? `, ${result.errors} errors ${JSON.stringify(result.statuses)}` : ""),
      );
      if (result.errors)
        ctx.results.failures.push(
          `poll r${round} N=${n}: ${result.errors} unexpected answers ${JSON.stringify(result.statuses)}`,
        );
    }
  }
  ctx.log(`waiting ${STATS_FLUSH_MS / 1000} s for PostgreSQL to publish the table statistics of the polling window…`);
  await sleep(STATS_FLUSH_MS);
  const diff = diffCounters(before, await tableCounters(ctx.a.stats));
  const perPoll: TableCounters = {};
  for (const [table, d] of Object.entries(diff)) {
    perPoll[table] = {
      seqScan: d.seqScan / polls,
      idxScan: d.idxScan / polls,
      ins: d.ins / polls,
      upd: d.upd / polls,
      del: d.del / polls,
    };
  }
  ctx.results.pollCounters = { polls, perPoll };
  ctx.log(`per poll (pg_stat_user_tables over ${polls} polls): ${JSON.stringify(perPoll)}`);
}
