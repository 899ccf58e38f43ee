// Abuse 6: the write rate limit holds per caller; expired and revoked tokens are refused; API
// tokens and GitHub connection tokens never leak — not in any API response (but the one that
// creates an API token), not in any line the worker processes print, not in any audit row, and
// not in plaintext in any column of any table. The GitHub token is really used by the worker
// (against a local fake GitHub that records it), including an upstream that echoes it back.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/db/client";
import { createApiToken, createWorkspaceWithMember, type Member } from "@/test/fixtures";
import * as connections from "@/app/api/v1/connections/route";
import * as connectionItem from "@/app/api/v1/connections/[id]/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as tokenItem from "@/app/api/v1/tokens/[id]/route";
import * as me from "@/app/api/v1/me/route";
import * as runsOfSession from "@/app/api/v1/onboarding/[id]/runs/route";
import * as runItem from "@/app/api/v1/operation-runs/[id]/route";
import * as auditRoute from "@/app/api/v1/onboarding/[id]/audit/route";
import {
  assertNoRunStuckAnywhere,
  assertNoWorkerCrashed,
  assertWorkspaceConsistent,
  createOnboarding,
  getOnboarding,
  killAllWorkers,
  Recorder,
  sessionAction,
  sleep,
  spawnWorker,
  uniqueSlug,
  openScratchDatabase,
  waitFor,
  waitForRunsToFinish,
  workerOutputs,
  type WorkerProcess,
} from "./harness";

const LIMIT = 5;

let database: Awaited<ReturnType<typeof openScratchDatabase>>;
let owner: Member;
let worker: WorkerProcess;
const rec = new Recorder();
/** Every API token this file handles, by what it is. */
const apiTokens = new Map<string, string>();
/** Every GitHub token given to a connection. */
const githubTokens = new Map<string, string>();
/** Authorization headers the fake GitHub received. */
const seenAuth: string[] = [];
let fakeGitHub: Server;
let fakeGitHubUrl = "";

const ghToken = () =>
  `ghp_${Buffer.from(crypto.getRandomValues(new Uint8Array(27)))
    .toString("base64url")
    .replace(/[-_]/g, "x")}`;

beforeAll(async () => {
  database = await openScratchDatabase("abuse");
  owner = await createWorkspaceWithMember("owner");
  apiTokens.set("owner", owner.token);
  // A fake GitHub: /bad answers 401 "Bad credentials", /down 500, /echo 401 quoting the
  // Authorization header it got (a misbehaving proxy or enterprise server).
  fakeGitHub = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? "");
    seenAuth.push(auth);
    const mode = req.url?.split("/")[1];
    const status = mode === "down" ? 500 : 401;
    const message = mode === "echo" ? `Bad credentials: ${auth}` : mode === "down" ? "Server Error" : "Bad credentials";
    res
      .writeHead(status, { "content-type": "application/json" })
      .end(JSON.stringify({ message, documentation_url: "https://docs.github.com/rest" }));
  });
  await new Promise<void>((r) => fakeGitHub.listen(0, "127.0.0.1", r));
  const address = fakeGitHub.address();
  fakeGitHubUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  worker = spawnWorker("W", { WORKER_CONCURRENCY: "3", SIMULATED_STEP_DELAY_MS: "20", STEP_RETRY_BASE_MS: "50" });
  await worker.ready;
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  await killAllWorkers();
  await new Promise((r) => fakeGitHub?.close(r));
  await database?.drop();
});

const me_ = (token: string) => rec.call(me.GET, { method: "GET", url: "http://localhost/api/v1/me", token });

describe("abuse", () => {
  it(`holds the write rate limit per token (${LIMIT}/min): 429 with retry-after; another token is unaffected`, async () => {
    const limited = await createWorkspaceWithMember("operator", owner.workspace.id);
    const other = await createWorkspaceWithMember("operator", owner.workspace.id);
    apiTokens.set("limited", limited.token);
    apiTokens.set("other", other.token);
    // A fixed one-minute window: do not straddle its end.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 4_000) await sleep(left + 250);
    process.env.RATE_LIMIT_WRITES_PER_MINUTE = String(LIMIT);
    try {
      const statuses: number[] = [];
      let refused = null as Awaited<ReturnType<typeof createOnboarding>> | null;
      for (let i = 0; i < LIMIT + 2; i++) {
        const res = await createOnboarding(rec, limited.token, {
          platformName: `Flood ${i}`,
          slug: uniqueSlug("flood"),
          tier: "starter",
          simulation: { stepDelayMs: 0 },
        });
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
      }
      expect(statuses).toEqual([...Array(LIMIT).fill(202), 429, 429]);
      expect(refused!.body).toMatchObject({ code: "rate_limited", status: 429 });
      const retryAfter = Number(refused!.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      // Refused writes did nothing.
      expect(await db().onboardingSession.count({ where: { userId: limited.user.id } })).toBe(LIMIT);
      // Reads are not limited; another caller's writes are not either.
      expect((await me_(limited.token)).status).toBe(200);
      const fine = await createOnboarding(rec, other.token, {
        platformName: "Unaffected",
        slug: uniqueSlug("fine"),
        tier: "starter",
        simulation: { stepDelayMs: 0 },
      });
      expect(fine.status).toBe(202);
    } finally {
      delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
    }
  });

  it("refuses expired and revoked tokens with 401", async () => {
    const expired = await createApiToken(owner.user.id, owner.workspace.id, "owner", {
      expiresAt: new Date(Date.now() - 1_000),
    });
    const revoked = await createApiToken(owner.user.id, owner.workspace.id, "owner", { revokedAt: new Date() });
    apiTokens.set("expired", expired.token);
    apiTokens.set("revoked", revoked.token);

    // A token made through the API, used, then revoked through the API.
    const made = await rec.call(tokens.POST, {
      method: "POST",
      url: "http://localhost/api/v1/tokens",
      token: owner.token,
      body: { name: "short-lived", role: "operator" },
    });
    expect(made.status).toBe(201);
    const madeToken = made.body.token as string;
    apiTokens.set("made", madeToken);
    expect((await me_(madeToken)).status).toBe(200);
    const del = await rec.call(tokenItem.DELETE, {
      method: "DELETE",
      url: `http://localhost/api/v1/tokens/${made.body.id}`,
      token: owner.token,
      params: { id: made.body.id },
    });
    expect(del.status).toBe(204);

    for (const [what, token] of [
      ["expired", expired.token],
      ["revoked", revoked.token],
      ["revoked via API", madeToken],
    ] as const) {
      const read = await me_(token);
      const write = await createOnboarding(rec, token, {
        platformName: "Nope",
        slug: uniqueSlug("nope"),
        tier: "starter",
      });
      expect([read.status, read.body.code], what).toEqual([401, "unauthenticated"]);
      expect([write.status, write.body.code], what).toEqual([401, "unauthenticated"]);
      expect(read.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    // Malformed credentials too.
    for (const token of ["onr_", "onr_" + "x".repeat(300), "not-a-token", `${owner.token}x`]) {
      expect((await me_(token)).status, token.slice(0, 20)).toBe(401);
    }
    expect(await db().onboardingSession.count({ where: { platformName: "Nope" } })).toBe(0);
  });

  it("runs onboardings (simulated and GitHub) through the worker process", async () => {
    // A simulated onboarding all the way, so audit rows, run logs and queue jobs exist.
    const sim = await createOnboarding(rec, owner.token, {
      platformName: "Leak Check",
      slug: uniqueSlug("leak"),
      tier: "growth",
      simulation: { stepDelayMs: 10 },
    });
    expect(sim.status).toBe(202);
    const simId = sim.body.onboardingId as string;
    expect((await sessionAction(rec, owner.token, simId, "verify-access")).status).toBe(202);
    await waitFor(
      "verification",
      async () =>
        (await db().onboardingSession.findUniqueOrThrow({ where: { id: simId } })).lifecycleState ===
        "ready_for_bootstrap",
      { timeoutMs: 30_000 },
    );
    expect((await sessionAction(rec, owner.token, simId, "bootstrap")).status).toBe(202);

    // GitHub connections whose token the worker sends to the fake GitHub.
    const ids: string[] = [];
    for (const mode of ["bad", "down", "echo"]) {
      const token = ghToken();
      githubTokens.set(mode, token);
      const conn = await rec.call(connections.POST, {
        method: "POST",
        url: "http://localhost/api/v1/connections",
        token: owner.token,
        body: {
          name: `GitHub ${mode}`,
          kind: "github",
          config: { org: "acme", templateOwner: "acme", templateRepo: "stack", baseUrl: `${fakeGitHubUrl}/${mode}` },
          token,
        },
      });
      expect(conn.status).toBe(201);
      expect(conn.body).toMatchObject({ hasSecret: true });
      const s = await createOnboarding(rec, owner.token, {
        platformName: `GitHub ${mode}`,
        slug: uniqueSlug(mode),
        tier: "starter",
        connectionId: conn.body.id,
      });
      expect(s.status).toBe(202);
      const v = await sessionAction(rec, owner.token, s.body.onboardingId, "verify-access");
      expect(v.status).toBe(202);
      ids.push(s.body.onboardingId, conn.body.id);
    }

    const runs = await waitForRunsToFinish(owner.workspace.id, 90_000, 5);
    assertNoWorkerCrashed();
    const github = await db().onboardingSession.findMany({
      where: { workspaceId: owner.workspace.id, connectionId: { not: null } },
    });
    console.log(
      `[fault:abuse] GitHub verifications: ${github.map((g) => `${g.platformName} → ${g.lifecycleState} (${g.blockingReasonCode ?? g.reasonCode ?? "-"})`).join("; ")}`,
    );
    // The worker really used the GitHub tokens (so the checks below are not vacuous).
    for (const mode of ["bad", "down", "echo"])
      expect(
        seenAuth.some((a) => a.includes(githubTokens.get(mode)!)),
        mode,
      ).toBe(true);

    // Rotate one credential: neither the old nor the new one may show up anywhere.
    const rotated = ghToken();
    githubTokens.set("rotated", rotated);
    const first = (
      await rec.call(connections.GET, { method: "GET", url: "http://localhost/api/v1/connections", token: owner.token })
    ).body.items[0];
    const patched = await rec.call(connectionItem.PATCH, {
      method: "PATCH",
      url: `http://localhost/api/v1/connections/${first.id}`,
      token: owner.token,
      params: { id: first.id },
      body: { token: rotated },
    });
    expect(patched.status).toBe(200);

    // Read back everything a client can see about these sessions and runs.
    for (let i = 0; i < ids.length; i += 2) {
      await getOnboarding(rec, owner.token, ids[i]);
      await rec.call(runsOfSession.GET, {
        method: "GET",
        url: `http://localhost/api/v1/onboarding/${ids[i]}/runs`,
        token: owner.token,
        params: { id: ids[i] },
      });
      await rec.call(auditRoute.GET, {
        method: "GET",
        url: `http://localhost/api/v1/onboarding/${ids[i]}/audit`,
        token: owner.token,
        params: { id: ids[i] },
      });
    }
    for (const run of runs)
      await rec.call(runItem.GET, {
        method: "GET",
        url: `http://localhost/api/v1/operation-runs/${run.id}`,
        token: owner.token,
        params: { id: run.id },
      });
    await rec.call(connections.GET, { method: "GET", url: "http://localhost/api/v1/connections", token: owner.token });
    await rec.call(tokens.GET, { method: "GET", url: "http://localhost/api/v1/tokens", token: owner.token });

    await assertWorkspaceConsistent(owner.workspace.id);
    await assertNoRunStuckAnywhere();
  });

  it("never shows a token in a response, a worker log line, an audit row or any database column", async () => {
    const secrets = [
      ...[...apiTokens].map(([k, v]) => [`API token ${k}`, v]),
      ...[...githubTokens].map(([k, v]) => [`GitHub token ${k}`, v]),
    ] as [string, string][];
    expect(secrets.length).toBe(10);

    // 1. Responses: only the one that created a token may contain it.
    const leaks: string[] = [];
    let creationResponses = 0;
    for (const r of rec.responses) {
      for (const [what, secret] of secrets) {
        if (!r.text.includes(secret)) continue;
        const creation = what === "API token made" && r.url.endsWith("/api/v1/tokens") && r.status === 201;
        if (creation) creationResponses++;
        else leaks.push(`${what} in the response of ${r.url} (${r.status})`);
      }
    }
    // The scan sees the one response that legitimately carries a token.
    expect(creationResponses).toBe(1);
    expect(rec.responses.length).toBeGreaterThan(40);

    // 2. What the worker processes printed.
    for (const { name, output } of workerOutputs()) {
      expect(output).toContain("consuming runs");
      for (const [what, secret] of secrets)
        if (output.includes(secret)) leaks.push(`${what} in the output of worker ${name}`);
    }

    // 3. Every column of every table (audit rows, run logs and step results, queue jobs, …).
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let columnsScanned = 0;
    try {
      const { rows: columns } = await client.query<{ table_schema: string; table_name: string; column_name: string }>(`
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2, 3`);
      for (const col of columns) {
        const ident = `${client.escapeIdentifier(col.table_schema)}.${client.escapeIdentifier(col.table_name)}`;
        const { rows } = await client.query<{ hit: string }>(
          `select s.hit from unnest($1::text[]) as s(hit) where exists (select 1 from ${ident} where position(s.hit in ${client.escapeIdentifier(col.column_name)}::text) > 0)`,
          [secrets.map(([, v]) => v)],
        );
        for (const { hit } of rows)
          leaks.push(
            `${secrets.find(([, v]) => v === hit)![0]} in ${col.table_schema}.${col.table_name}.${col.column_name}`,
          );
        columnsScanned++;
      }
    } finally {
      await client.end();
    }
    expect(columnsScanned).toBeGreaterThan(100);
    // The audit trail does record these callers, by token id, not by token.
    expect(
      await db().auditEvent.count({ where: { workspaceId: owner.workspace.id, actorTokenId: { not: null } } }),
    ).toBeGreaterThan(5);

    console.log(
      `[fault:abuse] ${secrets.length} secrets checked against ${rec.responses.length} responses, ${workerOutputs().length} worker log(s), ${columnsScanned} columns: ${leaks.length} leak(s)`,
    );
    expect(leaks).toEqual([]);
  });
});
