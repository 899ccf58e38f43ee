// Report sections of issue 15: GET against its three floors (node:http, node:http + pg, the
// framework's own no-work route), GET at a fixed open-loop rate, and 1,000 operators watching
// active runs (the wizard's old three polls vs. the one conditional watch).
import type { ApiRun, Results, WatchMode } from "../context";
import { fmt, median, ms, ratio } from "./stats";

const pick = (r: Results, target: ApiRun["target"], auth: ApiRun["auth"], c: number, mode: string) =>
  r.api.filter((x) => x.target === target && x.auth === auth && x.concurrency === c && x.mode === mode);

const m = (runs: ApiRun[], f: (x: ApiRun) => number) => median(runs.map(f));

export function floorsSection(r: Results): string[] {
  const rows: string[] = [];
  for (const c of [32, 128]) {
    for (const mode of ["200", "304"]) {
      const app = pick(r, "next", "token", c, mode);
      const fw = pick(r, "framework", "none", c, mode);
      const pg = pick(r, "barePg", "none", c, mode);
      if (!app.length || !fw.length) continue;
      const rps = m(app, (x) => x.result.rps);
      rows.push(
        `| ${c} | ${mode === "200" ? "GET → 200, API token" : "GET + If-None-Match → 304, API token"} | ${fmt(rps)} | ${fmt(m(fw, (x) => x.result.rps))} | **${ratio(
          rps,
          m(fw, (x) => x.result.rps),
        )}** | ${pg.length ? fmt(m(pg, (x) => x.result.rps)) : "–"} | ${
          pg.length
            ? ratio(
                rps,
                m(pg, (x) => x.result.rps),
              )
            : "–"
        } | ${ms(m(app, (x) => x.result.p50))} / ${ms(m(app, (x) => x.result.p99))} | ${ms(m(fw, (x) => x.result.p50))} / ${ms(m(fw, (x) => x.result.p99))} | **${ratio(
          m(app, (x) => x.result.p99),
          m(fw, (x) => x.result.p99),
        )}** | ${ms(m(app, (x) => x.serverCpuMsPerRequest))} ms | ${ms(m(fw, (x) => x.serverCpuMsPerRequest))} ms |`,
      );
    }
  }
  if (!rows.length) return [];
  const open = (t: ApiRun["target"]) => r.apiOpen.filter((x) => x.target === t);
  const app = open("next");
  const fw = open("framework");
  return [
    "",
    "Against the framework floor — a route handler of the app's own build (`app/api/bench-floor/[id]`, 404 unless the bench sets `ONRAMP_BENCH_FLOOR`) answering the same bytes with no work — and the node:http + pg floor (node:http doing the two primary-key reads a GET needs, token by hash and session by id, through a plain `pg` pool, then the same bytes):",
    "",
    "| clients | request | app req/s | framework floor req/s | app ÷ framework | node:http + pg req/s | app ÷ node:http + pg | app p50 / p99 ms | framework p50 / p99 ms | app p99 ÷ framework p99 | app CPU per request | framework CPU per request |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    ...(app.length && fw.length
      ? [
          "",
          `Open loop at a fixed ${fmt(app[0].rate)} req/s (well below saturation; ${fmt(app[0].rate)} clients, each once a second from a seeded phase), GET → 200 with an API token: app p50 / p99 **${ms(median(app.map((x) => x.result.p50)))} / ${ms(median(app.map((x) => x.result.p99)))} ms** (CPU ${ms(median(app.map((x) => x.serverCpuMsPerRequest)))} ms per request), framework floor ${ms(median(fw.map((x) => x.result.p50)))} / ${ms(median(fw.map((x) => x.result.p99)))} ms.`,
        ]
      : []),
  ];
}

export function watchSection(r: Results): string[] {
  if (!r.watch.length) return [];
  const of = (mode: WatchMode) => r.watch.filter((x) => x.mode === mode);
  const base = r.watchBaseline;
  const baseApp = base.length ? median(base.map((b) => b.serverCpuPct)) : 0;
  const baseDb = base.length ? median(base.map((b) => b.dbCpuPct)) : 0;
  const line = (label: string, runs: typeof r.watch) => {
    const med = (f: (x: (typeof runs)[number]) => number) => median(runs.map(f));
    const app = med((x) => x.serverCpuPct);
    const db = med((x) => x.dbCpuPct);
    return `| ${label} | ${fmt(med((x) => x.result.rps))} | ${fmt(med((x) => x.notModifiedShare * 100))}% | ${ms(med((x) => x.result.p50))} / ${ms(med((x) => x.result.p99))} | ${fmt(app)}% | ${fmt(db)}% | **${fmt(app + db)}%** | ${base.length ? `**${fmt(app + db - baseApp - baseDb)}%**` : "–"} | ${fmt(med((x) => x.bytesPerTick))} | ${fmt(med((x) => x.result.skipped))} |`;
  };
  return [
    `### 2b. ${fmt(r.watch[0].operators)} operators watching active runs`,
    "",
    `Open loop, real ${r.settings.pollPeriodMs / 1000} s cadence, ${fmt(r.settings.pollWindowMs / 1000)} s per configuration and round: each operator has its own session cookie and an onboarding whose verification is running and writing a log line every ≈ 20 s (written to the database during the load, as a worker would). **Before**: the wizard's three polls per tick (session, runs list, run detail with \`logAfter\`), unconditional — the browser sent no If-None-Match. **After**: one \`GET /onboarding/:id/watch?logAfter=<cursor>\` with If-None-Match, following each answer's ETag and cursor; each tab catches up once (one conditional watch) before the window, as a tab watching all along is current when it starts. CPU in % of one core; PostgreSQL includes the backends writing the log lines (the same in both).`,
    "",
    "| | requests/s | 304s | p50 / p99 ms | app CPU | PostgreSQL CPU | app + PostgreSQL | of which watching (net of nobody watching) | response bytes per operator per tick | polls skipped |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...(of("before").length ? [line("before: session + runs + run detail", of("before"))] : []),
    ...(of("after").length ? [line("after: one conditional watch", of("after"))] : []),
    ...(of("floor").length
      ? [line("framework floor: a route handler of the same build answering 304, no work", of("floor"))]
      : []),
    "",
    ...(base.length
      ? [
          `Nobody watching (the same runs writing log lines and heartbeats, no requests): app ${fmt(baseApp)}%, PostgreSQL ${fmt(baseDb)}% of a core (median of ${base.length} rounds); the net column subtracts it.`,
          "",
        ]
      : []),
  ];
}
