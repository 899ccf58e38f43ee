// The wrapper without a database: the caller and the rate limit are stubbed, the logger writes
// to memory, so what a request logs and answers can be read exactly.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";

const state = vi.hoisted(() => ({
  lines: [] as Record<string, unknown>[],
  via: "token" as "token" | "session" | null,
}));

vi.mock("@/lib/log/logger", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/log/logger")>();
  const pino = (await import("pino")).default;
  const stream = { write: (line: string) => void state.lines.push(JSON.parse(line)) };
  return {
    ...actual,
    log: pino({ level: "info", redact: { paths: actual.REDACT_PATHS, censor: "[redacted]" } }, stream),
    requestLog: actual.createLogger({ redact: false }, stream),
  };
});
vi.mock("@/lib/auth/actor", () => ({
  resolveActor: async () =>
    state.via
      ? {
          userId: "u1",
          email: "a@example.test",
          via: state.via,
          tokenId: state.via === "token" ? "t1" : undefined,
          memberships: [],
        }
      : null,
}));
vi.mock("./rate-limit", () => ({
  consumeRateLimit: async () => ({ allowed: true, remaining: 100, resetSeconds: 60 }),
}));

const { apiRoute } = await import("./handler");

const ctx = { params: Promise.resolve({}) };
const ok = apiRoute({ body: z.looseObject({}), optionalBody: true }, async ({ body }) =>
  Response.json({ ok: true, body }),
);
const boom = apiRoute({}, async () => {
  throw new Error("database said something private");
});
const list = apiRoute({ query: z.object({ q: z.string().optional() }) }, async () => Response.json({ items: [] }));

function post(body: string, headers: Record<string, string> = {}) {
  return new NextRequest("http://localhost/api/v1/things", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer onr_secret", ...headers },
    body,
  });
}

beforeEach(() => {
  state.lines.length = 0;
  state.via = "token";
});
afterEach(() => {
  delete process.env.NEXTAUTH_URL;
  delete process.env.ONRAMP_TRUST_PROXY;
});

describe("request id", () => {
  it("echoes a well-formed X-Request-Id on success and on a problem", async () => {
    const good = await ok(post("{}", { "x-request-id": "abc-123_x.y" }), ctx);
    expect(good.status).toBe(200);
    expect(good.headers.get("x-request-id")).toBe("abc-123_x.y");
    state.via = null;
    const refused = await ok(post("{}", { "x-request-id": "req-401" }), ctx);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.headers.get("x-request-id")).toBe("req-401");
  });

  it.each(["has space", "x".repeat(65), "<script>", "a/b", "ä"])(
    "replaces the malformed id %j with a fresh one",
    async (bad) => {
      const res = await ok(post("{}", { "x-request-id": bad }), ctx);
      const id = res.headers.get("x-request-id")!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(id).not.toBe(bad);
    },
  );

  it("generates one when none is sent, different per request", async () => {
    const a = (await ok(post("{}"), ctx)).headers.get("x-request-id");
    const b = (await ok(post("{}"), ctx)).headers.get("x-request-id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("logs one line per request: method, path without query, status, duration, id, actor; no credentials", async () => {
    const req = new NextRequest("http://localhost/api/v1/things?q=secret-query", {
      headers: {
        authorization: "Bearer onr_topsecret",
        cookie: "next-auth.session-token=cookiesecret",
        "x-request-id": "line-1",
      },
    });
    expect((await list(req, ctx)).status).toBe(200);
    expect(state.lines).toHaveLength(1);
    const [line] = state.lines;
    expect(line).toMatchObject({
      level: 30,
      msg: "request",
      requestId: "line-1",
      method: "GET",
      path: "/api/v1/things",
      status: 200,
      actor: "token",
    });
    expect(typeof line.durationMs).toBe("number");
    const text = JSON.stringify(state.lines);
    for (const secret of ["onr_topsecret", "cookiesecret", "secret-query"]) expect(text).not.toContain(secret);
  });

  it("logs a 500 at error level with its request id, and hides the message from the client", async () => {
    const res = await boom(
      new NextRequest("http://localhost/api/v1/boom", { headers: { "x-request-id": "forced-500" } }),
      ctx,
    );
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("forced-500");
    const body = await res.json();
    expect(body.code).toBe("internal_error");
    expect(JSON.stringify(body)).not.toContain("private");
    const errors = state.lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg).sort()).toEqual(["request failed", "unhandled error"]);
    for (const l of errors) expect(l.requestId).toBe("forced-500");
    expect(errors.find((l) => l.msg === "request failed")).toMatchObject({ status: 500, path: "/api/v1/boom" });
  });
});

describe("HSTS (proxy.ts does not run for the API)", () => {
  it("is sent on answers and problems only when served over https", async () => {
    expect((await ok(post("{}"), ctx)).headers.get("strict-transport-security")).toBeNull();
    // A client cannot claim https on its own.
    expect(
      (await ok(post("{}", { "x-forwarded-proto": "https" }), ctx)).headers.get("strict-transport-security"),
    ).toBeNull();
    process.env.NEXTAUTH_URL = "https://onramp.example";
    expect((await ok(post("{}"), ctx)).headers.get("strict-transport-security")).toMatch(/^max-age=31536000/);
    state.via = null;
    const refused = await ok(post("{}"), ctx);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("strict-transport-security")).toMatch(/^max-age=31536000/);
  });
});

describe("hostile bodies", () => {
  const fieldOf = async (res: Response) =>
    ((await res.json()) as { errors: { field: string; message: string }[] }).errors[0];

  it.each([
    ['{"name":"\\ud800"}', "name"],
    ['{"name":"ok\\udfffx"}', "name"],
    ['{"a":{"b":["x","\\udbff"]}}', "a.b.1"],
    ['{"\\ud800":"x"}', "\\ud800"],
    ['{"a":{"k\\ud800":1}}', "a.k\\ud800"],
    ['{"name":"nul\\u0000"}', "name"],
  ])("refuses %s with 422 naming %s", async (raw, field) => {
    const res = await ok(post(raw), ctx);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await fieldOf(res)).field).toBe(field);
  });

  it("accepts well-formed surrogate pairs (emoji)", async () => {
    const res = await ok(post(JSON.stringify({ name: "😀 \ud83d\ude00" })), ctx);
    expect(res.status).toBe(200);
  });

  it.each([65, 3_000, 30_000])("refuses JSON nested %i deep without overflowing the stack", async (depth) => {
    const res = await ok(post(`{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`), ctx);
    expect(res.status).toBe(422);
    expect((await fieldOf(res)).message).toMatch(/Nested deeper than 64/);
  });

  it("accepts nesting up to the cap", async () => {
    const res = await ok(post(`{"a":${"[".repeat(63)}${"]".repeat(63)}}`), ctx);
    expect(res.status).toBe(200);
  });
});

describe("CSRF (cookie writes)", () => {
  const cookieWrite = (headers: Record<string, string>) =>
    ok(
      new NextRequest("http://localhost:3000/api/v1/things", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: "{}",
      }),
      ctx,
    );

  beforeEach(() => {
    state.via = "session";
  });

  it("accepts the same origin and refuses another, a missing or an opaque one", async () => {
    expect((await cookieWrite({ host: "localhost:3000", origin: "http://localhost:3000" })).status).toBe(200);
    expect((await cookieWrite({ host: "localhost:3000", referer: "http://localhost:3000/settings" })).status).toBe(200);
    for (const headers of <Record<string, string>[]>[
      { host: "localhost:3000", origin: "http://evil.example" },
      { host: "localhost:3000", origin: "http://localhost:3001" },
      { host: "localhost:3000" },
      { host: "localhost:3000", origin: "null", referer: "http://localhost:3000/" },
      { host: "localhost:3000", referer: "http://localhost:3000.evil.example/" },
    ]) {
      const res = await cookieWrite(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).code).toBe("csrf_failed");
    }
  });

  it("ignores a forged X-Forwarded-Host when no proxy is trusted", async () => {
    const res = await cookieWrite({
      host: "localhost:3000",
      "x-forwarded-host": "evil.example",
      origin: "http://evil.example",
    });
    expect(res.status).toBe(403);
  });

  it("compares the scheme: http is not https", async () => {
    expect((await cookieWrite({ host: "localhost:3000", origin: "https://localhost:3000" })).status).toBe(403);
    process.env.NEXTAUTH_URL = "https://onramp.example";
    expect((await cookieWrite({ host: "onramp.example", origin: "http://onramp.example" })).status).toBe(403);
    expect((await cookieWrite({ host: "onramp.example", origin: "https://onramp.example" })).status).toBe(200);
    // With a public URL configured, forwarded headers change nothing, trusted or not.
    process.env.ONRAMP_TRUST_PROXY = "true";
    const forged = await cookieWrite({
      host: "onramp.example",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      origin: "https://evil.example",
    });
    expect(forged.status).toBe(403);
  });

  it("believes X-Forwarded-Host/-Proto from a trusted proxy", async () => {
    process.env.ONRAMP_TRUST_PROXY = "true";
    const via = { host: "10.0.0.5:3000", "x-forwarded-host": "onramp.example", "x-forwarded-proto": "https" };
    expect((await cookieWrite({ ...via, origin: "https://onramp.example" })).status).toBe(200);
    expect((await cookieWrite({ ...via, origin: "http://onramp.example" })).status).toBe(403);
    expect((await cookieWrite({ ...via, origin: "https://10.0.0.5:3000" })).status).toBe(403);
  });

  it("does not apply to bearer tokens", async () => {
    state.via = "token";
    expect((await cookieWrite({ host: "localhost:3000", origin: "http://evil.example" })).status).toBe(200);
  });
});
