// Statements per request, in-process: the real route handlers with every SQL statement recorded,
// plus micro-measurements of the per-request primitives (cookie decode, token hash, one query
// through Prisma vs. through pg directly).
import { performance } from "node:perf_hooks";
import { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import pg from "pg";
import { hashToken } from "@/lib/auth/api-token";
import { db } from "@/lib/db/client";
import { describeStatement, installQueryRecorder, recordStatements } from "../lib/census";
import { median, sum } from "../lib/stats";
import type { CensusEntry, Ctx } from "../context";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export async function runCensus(ctx: Ctx): Promise<void> {
  installQueryRecorder();
  const item = (await import("@/app/api/v1/onboarding/[id]/route")) as unknown as { GET: Handler; PATCH: Handler };
  const collection = (await import("@/app/api/v1/onboarding/route")) as unknown as { POST: Handler };
  const calls = ctx.settings.quick ? 5 : 20;
  const id = ctx.target.id;
  const url = `http://127.0.0.1/api/v1/onboarding/${id}`;
  const bearer = { authorization: `Bearer ${ctx.tokenA}` };
  const op = ctx.operators[0];
  const tokenHash = hashToken(ctx.tokenA);
  const version = async () => (await ctx.a.prisma.onboardingSession.findUniqueOrThrow({ where: { id } })).version;

  const call = async (
    handler: Handler,
    method: string,
    reqUrl: string,
    headers: Record<string, string>,
    params: Record<string, string>,
    body?: unknown,
  ) => {
    const init: { method: string; headers: Record<string, string>; body?: string } = {
      method,
      headers: { ...headers },
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    const res = await handler(new NextRequest(reqUrl, init), { params: Promise.resolve(params) });
    await res.text();
    return res.status;
  };

  // The wizard's poll sends the ETag of its last answer ("<version>-<role>", with progress once a run moved).
  const first = await item.GET(
    new NextRequest(`http://127.0.0.1/api/v1/onboarding/${op.sessionId}`, { headers: { cookie: op.cookie } }),
    { params: Promise.resolve({ id: op.sessionId }) },
  );
  const opEtag = first.headers.get("etag") ?? "";
  await first.text();

  const create = (fields: Record<string, unknown>) =>
    call(
      collection.POST,
      "POST",
      "http://127.0.0.1/api/v1/onboarding",
      bearer,
      {},
      { platformName: "Census", slug: `census-${Math.random().toString(36).slice(2, 10)}`, tier: "starter", ...fields },
    );

  // `before` runs outside the recording; its result is handed to `run`.
  const scenarios: { name: string; before?: () => Promise<number>; run: (arg: number) => Promise<number> }[] = [
    { name: "GET /onboarding/:id — API token", run: () => call(item.GET, "GET", url, bearer, { id }) },
    {
      name: "GET /onboarding/:id — API token, first use this minute",
      before: async () => (await ctx.a.prisma.apiToken.update({ where: { tokenHash }, data: { lastUsedAt: null } }), 0),
      run: () => call(item.GET, "GET", url, bearer, { id }),
    },
    {
      name: "GET + If-None-Match → 304 — API token",
      run: () => call(item.GET, "GET", url, { ...bearer, "if-none-match": ctx.target.etag }, { id }),
    },
    {
      name: "GET + If-None-Match → 304 — session cookie (the wizard's poll)",
      run: () =>
        call(
          item.GET,
          "GET",
          `http://127.0.0.1/api/v1/onboarding/${op.sessionId}`,
          { cookie: op.cookie, "if-none-match": opEtag },
          { id: op.sessionId },
        ),
    },
    {
      name: "PATCH /onboarding/:id (draft field) — wins",
      before: version,
      run: (v) =>
        call(item.PATCH, "PATCH", url, bearer, { id }, { version: v, draft: { censusNote: `n${Math.random()}` } }),
    },
    {
      name: "PATCH with a stale version → 409",
      before: async () => (await version()) - 1,
      run: (v) => call(item.PATCH, "PATCH", url, bearer, { id }, { version: v, draft: { censusNote: "stale" } }),
    },
    { name: "POST /onboarding (create, no autoStart)", run: () => create({}) },
    {
      // A run start: the session's versioned write, the run with its steps, audit, the queue job.
      name: "POST /onboarding with autoStart (create + start Verify Access)",
      run: () => create({ autoStart: true, simulation: { stepDelayMs: 0 } }),
    },
  ];

  for (const s of scenarios) {
    // Warm: module caches, Prisma's query plan cache, pool connections.
    for (let i = 0; i < 2; i++) await s.run((await s.before?.()) ?? 0);
    const counts: number[] = [];
    const walls: number[] = [];
    const sqls: number[] = [];
    let statements: string[] = [];
    let status = 0;
    for (let i = 0; i < calls; i++) {
      const arg = (await s.before?.()) ?? 0;
      const rec = await recordStatements(async () => {
        status = await s.run(arg);
      });
      const own = rec.statements;
      counts.push(own.length);
      walls.push(rec.wallMs);
      sqls.push(sum(own.map((st) => (Number.isFinite(st.ms) ? st.ms : 0))));
      if (i === 0) statements = own.map((st) => describeStatement(st.sql));
    }
    const entry: CensusEntry = {
      name: s.name,
      calls,
      statementsPerCall: median(counts),
      statements,
      wallMs: median(walls),
      sqlMs: median(sqls),
      status,
    };
    ctx.results.census.push(entry);
    ctx.log(
      `census: ${s.name}: ${entry.statementsPerCall} statements, ${entry.wallMs.toFixed(2)} ms in-process (HTTP ${status})`,
    );
  }
  await micro(ctx, op.cookie, id);
}

async function timeIt(iterations: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return ((performance.now() - t0) * 1000) / iterations;
}

async function micro(ctx: Ctx, cookie: string, id: string): Promise<void> {
  const n = ctx.settings.quick ? 100 : 500;
  const req = new NextRequest("http://127.0.0.1/", { headers: { cookie } });
  const secret = ctx.secrets.NEXTAUTH_SECRET;
  ctx.results.micro.push({
    name: "next-auth getToken (session cookie → JWT claims)",
    usPerOp: await timeIt(n, () => getToken({ req, secret })),
    note: "HKDF key derivation + JWE (A256GCM) decrypt, on every cookie request",
  });
  ctx.results.micro.push({
    name: "sha256 of an API token",
    usPerOp: await timeIt(n, () => hashToken(ctx.tokenA)),
    note: "token lookup key",
  });
  const client = new pg.Client({ connectionString: ctx.a.url });
  await client.connect();
  try {
    ctx.results.micro.push({
      name: "one row by primary key, pg directly",
      usPerOp: await timeIt(n, () => client.query('select * from "OnboardingSession" where id = $1', [id])),
      note: "round trip to PostgreSQL on 127.0.0.1",
    });
  } finally {
    await client.end();
  }
  ctx.results.micro.push({
    name: "the same row through Prisma (findUnique)",
    usPerOp: await timeIt(n, () => db().onboardingSession.findUnique({ where: { id } })),
    note: "query compiler + adapter + result mapping on top of the round trip",
  });
  for (const m of ctx.results.micro) ctx.log(`micro: ${m.name}: ${m.usPerOp.toFixed(0)} µs`);
}
