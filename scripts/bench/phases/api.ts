// Measurement 1: GET /api/v1/onboarding/:id against the production build, side by side with
// three floors answering the same bytes: a bare node:http server, the same after two pg reads
// (node:http + pg), and a no-work route handler of the app's own Next.js build (the framework
// floor) — at 32 and 128 clients, for the full read (200) and the 5 s poll with If-None-Match
// (304) — and at a fixed open-loop rate of 200 req/s.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { closedLoop, openLoop, send, type RequestSpec } from "../lib/load";
import { hashToken } from "@/lib/auth/api-token";
import { DbCpuSampler } from "../lib/db-stats";
import { treeCpuMs } from "../lib/proc";
import { startChild } from "../lib/processes";
import type { ApiRun, Ctx } from "../context";

const DROP = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

function headerPairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!DROP.has(raw[i].toLowerCase())) out.push([raw[i], raw[i + 1]]);
  return out;
}

/** Captures the app's answers and starts the bare server that replays them. */
export async function startBareServer(ctx: Ctx): Promise<void> {
  const web = ctx.webA!;
  const spec = { path: `/api/v1/onboarding/${ctx.target.id}`, headers: { authorization: `Bearer ${ctx.tokenA}` } };
  const ok = await send(web.port, spec);
  if (ok.status !== 200)
    throw new Error(`GET ${spec.path} answered ${ok.status}: ${ok.body.toString("utf8").slice(0, 300)}`);
  const etag = String(ok.headers.etag);
  const notModified = await send(web.port, { ...spec, headers: { ...spec.headers, "if-none-match": etag } });
  if (notModified.status !== 304) throw new Error(`If-None-Match ${etag} answered ${notModified.status}, not 304`);
  ctx.target.etag = etag;
  ctx.target.bytes = ok.body.length;
  const replayFile = path.join(ctx.logDir, "replay.json");
  writeFileSync(
    replayFile,
    JSON.stringify({
      etag,
      ok: { headers: headerPairs(ok.rawHeaders), body: ok.body.toString("base64") },
      notModified: { headers: headerPairs(notModified.rawHeaders) },
    }),
  );
  const { child, match } = await startChild({
    name: "bare-server",
    args: ["--import", "tsx", path.join("scripts", "bench", "bare-server.ts"), replayFile],
    env: { ...process.env, NODE_ENV: "production" },
    logDir: ctx.logDir,
    readyLine: /listening (\d+)/,
    readyTimeoutMs: 30_000,
  });
  ctx.bare = Object.assign(child, { port: Number(match[1]) });
  // The floor must answer with the same status, headers and body as the app.
  const bareOk = await send(ctx.bare.port, spec);
  const bare304 = await send(ctx.bare.port, { ...spec, headers: { ...spec.headers, "if-none-match": etag } });
  const same = (a: string[], b: string[]) =>
    JSON.stringify(headerPairs(a).sort()) === JSON.stringify(headerPairs(b).sort());
  ctx.results.replayIdentical =
    bareOk.status === 200 &&
    bareOk.body.equals(ok.body) &&
    same(bareOk.rawHeaders, ok.rawHeaders) &&
    bare304.status === 304 &&
    same(bare304.rawHeaders, notModified.rawHeaders);
  if (!ctx.results.replayIdentical)
    ctx.results.notes.push(
      "The bare server's answers differ from the app's (see replay.json); the floor is approximate.",
    );
  ctx.log(
    `bare floor server on port ${ctx.bare.port}; replay identical to the app: ${ctx.results.replayIdentical}; body ${ok.body.length} bytes`,
  );

  // node:http + pg: the same replay after the token and session reads, on the app's database.
  const pgFloor = await startChild({
    name: "bare-pg-server",
    args: [
      "--import",
      "tsx",
      path.join("scripts", "bench", "bare-server.ts"),
      replayFile,
      ctx.a.url,
      hashToken(ctx.tokenA),
      ctx.target.id,
    ],
    env: { ...process.env, NODE_ENV: "production" },
    logDir: ctx.logDir,
    readyLine: /listening (\d+)/,
    readyTimeoutMs: 30_000,
  });
  ctx.barePg = Object.assign(pgFloor.child, { port: Number(pgFloor.match[1]) });
  const pgOk = await send(ctx.barePg.port, spec);
  if (pgOk.status !== 200 || !pgOk.body.equals(ok.body))
    throw new Error(`the node:http + pg floor answered ${pgOk.status}`);

  // The framework floor: a route handler of the app's own build answering the replay (it reads
  // the file ONRAMP_BENCH_FLOOR names; run.ts set it before starting the app).
  if (process.env.ONRAMP_BENCH_FLOOR !== replayFile) throw new Error("ONRAMP_BENCH_FLOOR must name the replay file");
  const fw = await send(web.port, { ...spec, path: frameworkPath(ctx) });
  const fw304 = await send(web.port, {
    ...spec,
    path: frameworkPath(ctx),
    headers: { ...spec.headers, "if-none-match": etag },
  });
  const fwSame = fw.status === 200 && fw.body.equals(ok.body) && fw304.status === 304;
  if (!fwSame)
    ctx.results.notes.push(
      `The framework floor answered ${fw.status}/${fw304.status} (${fw.body.length} bytes), not the app's bytes.`,
    );
  ctx.log(
    `framework floor GET ${frameworkPath(ctx)}: ${fw.status}, same body: ${fw.body.equals(ok.body)}; node:http + pg floor on port ${ctx.barePg.port}`,
  );
}

export const frameworkPath = (ctx: Ctx) => `/api/bench-floor/${ctx.target.id}`;

export async function measureApi(ctx: Ctx): Promise<void> {
  const web = ctx.webA!;
  const bare = ctx.bare!;
  const s = ctx.settings;
  const basePath = `/api/v1/onboarding/${ctx.target.id}`;
  const op = ctx.operators[0];
  type Config = { target: ApiRun["target"]; auth: ApiRun["auth"]; concurrency: number; mode: ApiRun["mode"] };
  const configs: Config[] = [];
  for (const concurrency of [32, 128]) {
    for (const mode of ["200", "304"] as const) {
      configs.push(
        { target: "bare", auth: "none", concurrency, mode },
        { target: "next", auth: "token", concurrency, mode },
        { target: "framework", auth: "none", concurrency, mode },
        { target: "barePg", auth: "none", concurrency, mode },
      );
    }
  }
  // The wizard's poll (session cookie), and the route refusing a request without credentials
  // (Next.js + the handler wrapper, no SQL).
  configs.push(
    { target: "next", auth: "cookie", concurrency: 32, mode: "304" },
    { target: "next", auth: "none", concurrency: 32, mode: "401" },
  );

  const tokenSpec = (c: Config, p: string): RequestSpec => ({
    path: p,
    headers: {
      authorization: `Bearer ${ctx.tokenA}`,
      ...(c.mode === "304" ? { "if-none-match": ctx.target.etag } : {}),
    },
  });
  const specFor = (c: Config): RequestSpec =>
    c.auth === "cookie"
      ? {
          path: `/api/v1/onboarding/${op.sessionId}`,
          headers: { cookie: op.cookie, ...(c.mode === "304" ? { "if-none-match": op.etag } : {}) },
        }
      : c.target === "next" && c.auth === "none"
        ? { path: basePath, headers: {} }
        : tokenSpec(c, c.target === "framework" ? frameworkPath(ctx) : basePath);
  const portOf = (t: ApiRun["target"]) => (t === "bare" ? bare.port : t === "barePg" ? ctx.barePg!.port : web.port);
  const pidOf = (t: ApiRun["target"]) => (t === "bare" ? bare.pid : t === "barePg" ? ctx.barePg!.pid : web.pid);
  // Warm the app (JIT, pools) on every kind of request before anything is measured.
  const distinct = new Map(
    configs
      .filter((x) => x.target === "next" || x.target === "framework")
      .map((x) => [`${x.target}/${x.auth}/${x.mode}`, x]),
  );
  for (const c of distinct.values()) {
    await closedLoop({
      port: portOf(c.target),
      spec: specFor(c),
      concurrency: 32,
      warmupMs: 0,
      durationMs: s.quick ? 500 : 2_000,
      expect: Number(c.mode),
    });
  }
  for (let round = 1; round <= s.rounds; round++) {
    // Alternate which of each pair goes first, so drift on a noisy machine does not favour one.
    const ordered = round % 2 ? configs : pairSwap(configs);
    for (const c of ordered) {
      const spec = specFor(c);
      const port = portOf(c.target);
      const pid = pidOf(c.target);
      const dbCpu = new DbCpuSampler(ctx.admin, [ctx.a.name]);
      await dbCpu.start();
      const cpu0 = treeCpuMs(pid);
      const t0 = Date.now();
      const result = await closedLoop({
        port,
        spec,
        concurrency: c.concurrency,
        warmupMs: s.apiWarmupMs,
        durationMs: s.apiWindowMs,
        expect: Number(c.mode),
      });
      const elapsed = Date.now() - t0;
      const serverCpuMs = treeCpuMs(pid) - cpu0;
      const dbCpuMs = await dbCpu.stop();
      const serverCpuPct = (serverCpuMs / elapsed) * 100;
      const dbCpuPct = (dbCpuMs / elapsed) * 100;
      const served = Math.max(1, result.completed);
      ctx.results.api.push({
        round,
        ...c,
        result,
        serverCpuPct,
        dbCpuPct,
        serverCpuMsPerRequest: serverCpuMs / served,
        dbCpuMsPerRequest: dbCpuMs / served,
      });
      ctx.log(
        `api r${round} ${c.target}/${c.auth} c=${c.concurrency} ${c.mode}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ` +
          `server ${serverCpuPct.toFixed(0)}% CPU (${(serverCpuMs / served).toFixed(3)} ms/req), db ${dbCpuPct.toFixed(0)}%${result.errors ? `, ${result.errors} errors ${JSON.stringify(result.statuses)}` : ""}`,
      );
      if (result.errors)
        ctx.results.failures.push(
          `api r${round} ${c.target}/${c.auth} c=${c.concurrency} ${c.mode}: ${result.errors} unexpected answers ${JSON.stringify(result.statuses)}`,
        );
    }
    // A fixed open-loop rate well below saturation: latency without queueing behind the loop.
    for (const target of round % 2 ? (["next", "framework"] as const) : (["framework", "next"] as const)) {
      const rate = API_OPEN_RATE;
      const cpu0 = treeCpuMs(web.pid);
      const result = await openLoop({
        port: web.port,
        clients: rate,
        periodMs: 1_000,
        windowMs: s.quick ? 3_000 : 8_000,
        expect: 200,
        seed: round * 7_919,
        spec: () =>
          tokenSpec(
            { target, auth: "token", concurrency: rate, mode: "200" },
            target === "framework" ? frameworkPath(ctx) : basePath,
          ),
      });
      const serverCpuMsPerRequest = (treeCpuMs(web.pid) - cpu0) / Math.max(1, result.requests);
      ctx.results.apiOpen.push({ round, target, rate, result, serverCpuMsPerRequest });
      ctx.log(
        `api open r${round} ${target} ${rate}/s: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${serverCpuMsPerRequest.toFixed(3)} ms CPU/req, skipped ${result.skipped}`,
      );
      if (result.errors)
        ctx.results.failures.push(
          `api open r${round} ${target}: ${result.errors} unexpected answers ${JSON.stringify(result.statuses)}`,
        );
    }
  }
}

/** Requests per second of the open-loop GET (each of this many clients once a second). */
const API_OPEN_RATE = 200;

/** [a, b, c, d, e] → [b, a, d, c, e] */
function pairSwap<T>(list: T[]): T[] {
  const out = [...list];
  for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  return out;
}
