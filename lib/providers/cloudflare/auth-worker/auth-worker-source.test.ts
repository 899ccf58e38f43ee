// The auth Worker runs as shipped: the module text is loaded as an ES module and driven with a
// D1-shaped stand-in, so a syntax slip or a broken flow fails here, not on Cloudflare.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { AUTH_WORKER_SOURCE } from "./auth-worker-source";

interface Worker {
  fetch(request: Request, env: unknown): Promise<Response>;
}

/** Just enough of D1's prepare/bind/first/run for the Worker's statements. */
function fakeD1() {
  const users: { id: string; email: string; password_hash: string }[] = [];
  return {
    prepare(sql: string) {
      let params: unknown[] = [];
      const statement = {
        bind: (...p: unknown[]) => ((params = p), statement),
        async first() {
          if (/^SELECT 1/.test(sql)) return { ok: 1 };
          return users.find((u) => u.email === params[0]) ?? null;
        },
        async run() {
          const [id, email, hash] = params as string[];
          if (users.some((u) => u.email === email)) return { meta: { changes: 0 } };
          users.push({ id, email, password_hash: hash });
          return { meta: { changes: 1 } };
        },
      };
      return statement;
    },
  };
}

async function loadWorker(): Promise<Worker> {
  const dir = mkdtempSync(path.join(tmpdir(), "auth-worker-"));
  const file = path.join(dir, "auth-worker.mjs");
  writeFileSync(file, AUTH_WORKER_SOURCE);
  return ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default: Worker }).default;
}

describe("auth worker", () => {
  it("answers /health from D1, signs up, logs in and recognises its session token", async () => {
    const worker = await loadWorker();
    const env = { DB: fakeD1(), SESSION_SECRET: "s".repeat(32) };
    const call = (p: string, init?: RequestInit) => worker.fetch(new Request(`https://auth.example${p}`, init), env);
    const post = (p: string, body: unknown) =>
      call(p, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

    expect(await (await call("/health")).json()).toEqual({ ok: true });
    const creds = { email: "Ops@Example.com", password: "correct horse battery" };
    const signup = await post("/signup", creds);
    expect(signup.status).toBe(201);
    expect((await post("/signup", creds)).status).toBe(409);
    expect((await post("/login", { ...creds, password: "wrong password!!" })).status).toBe(401);
    const login = await post("/login", { ...creds, email: "ops@example.com" });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect(await (await call("/me", { headers: { authorization: `Bearer ${token}` } })).json()).toEqual({
      userId: expect.any(String),
    });
    const forged = `${token.split(".")[0]}.AAAA`;
    expect((await call("/me", { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });
});
