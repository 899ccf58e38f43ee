// Measurement 4: 64 concurrent PATCHes based on the same version of one onboarding. Exactly one
// may win (200); every other one must be refused with 409 version_conflict. Beside it, the
// latency of the same PATCH without contention (sequential, each on the current version).
import http from "node:http";
import { performance } from "node:perf_hooks";
import { send, sendJson } from "../lib/load";
import { percentile, median } from "../lib/stats";
import type { Ctx } from "../context";

export async function measureContention(ctx: Ctx): Promise<void> {
  const web = ctx.webA!;
  const s = ctx.settings;
  const id = ctx.target.id;
  const path = `/api/v1/onboarding/${id}`;
  const auth = { authorization: `Bearer ${ctx.tokenA}` };
  const writers = s.contentionWriters;
  const agent = new http.Agent({ keepAlive: true, maxSockets: writers, maxFreeSockets: writers });
  try {
    // Warm the write path (transactions, lifecycle, audit) so that round 1 is not a cold start.
    for (let i = 0; i < (s.quick ? 5 : 30); i++) {
      const current = await sendJson<{ version: number }>(web.port, { path, headers: auth });
      await sendJson(web.port, {
        method: "PATCH",
        path,
        headers: auth,
        json: { version: current.body.version, draft: { bench: `warm-${i}` } },
      });
    }
    for (let round = 1; round <= s.contentionRounds; round++) {
      // Baseline: the same write, uncontended.
      const baseline: number[] = [];
      for (let i = 0; i < 10; i++) {
        const current = await sendJson<{ version: number }>(web.port, { path, headers: auth });
        const t0 = performance.now();
        const res = await sendJson(web.port, {
          method: "PATCH",
          path,
          headers: auth,
          json: { version: current.body.version, draft: { bench: `seq-${round}-${i}` } },
        });
        baseline.push(performance.now() - t0);
        if (res.status !== 200)
          ctx.results.failures.push(`contention baseline r${round}: PATCH answered ${res.status}`);
      }
      const current = await sendJson<{ version: number }>(web.port, { path, headers: auth });
      const version = current.body.version;
      // Open all connections first, so that the 64 writes leave at (nearly) the same moment.
      await Promise.all(
        Array.from({ length: writers }, () =>
          send(web.port, { path, headers: { ...auth, "if-none-match": `"${version}"` } }, agent),
        ),
      );
      const latencies: number[] = [];
      const statuses: number[] = [];
      let winnerMs = NaN;
      await Promise.all(
        Array.from({ length: writers }, async (_, i) => {
          const body = JSON.stringify({ version, draft: { bench: `race-${round}-${i}` } });
          const t0 = performance.now();
          const res = await send(
            web.port,
            { method: "PATCH", path, headers: { ...auth, "content-type": "application/json" }, body },
            agent,
          );
          const elapsed = performance.now() - t0;
          latencies.push(elapsed);
          statuses.push(res.status);
          if (res.status === 200) winnerMs = elapsed;
          if (res.status === 409) {
            const problem = JSON.parse(res.body.toString("utf8")) as { code?: string; currentVersion?: number };
            if (problem.code !== "version_conflict")
              ctx.results.failures.push(`contention r${round}: 409 with code ${problem.code}`);
          }
        }),
      );
      const winners = statuses.filter((x) => x === 200).length;
      const conflicts = statuses.filter((x) => x === 409).length;
      const other: Record<string, number> = {};
      for (const st of statuses) if (st !== 200 && st !== 409) other[st] = (other[st] ?? 0) + 1;
      const after = await sendJson<{ version: number }>(web.port, { path, headers: auth });
      if (winners !== 1 || conflicts !== writers - 1 || after.body.version !== version + 1) {
        ctx.results.failures.push(
          `contention r${round}: ${winners} winners, ${conflicts} conflicts, other ${JSON.stringify(other)}, version ${version} → ${after.body.version} (expected exactly 1 winner and version +1)`,
        );
      }
      ctx.results.contention.push({
        round,
        winners,
        conflicts,
        other,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: percentile(latencies, 100),
        winnerMs,
        baselineP50: median(baseline),
      });
      ctx.log(
        `contention r${round}: ${winners} winner, ${conflicts} × 409, version ${version} → ${after.body.version}; p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(1)} ms (uncontended PATCH p50 ${median(baseline).toFixed(1)} ms)`,
      );
    }
  } finally {
    agent.destroy();
  }
}
