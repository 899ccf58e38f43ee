// The auth Worker Onramp ships to every platform: a small module bound to the platform's D1
// database (binding DB) with one secret (SESSION_SECRET). It signs operators of the platform
// up and in: PBKDF2 password hashes in D1, HMAC-signed session tokens. Kept as a string so it
// is uploaded byte for byte as reviewed here, with no bundler in between.

export const AUTH_WORKER_MODULE = "auth-worker.js";
export const AUTH_WORKER_COMPATIBILITY_DATE = "2025-01-01";
/** The secrets the Worker reads; provision_infra generates their values. */
export const AUTH_WORKER_SECRETS = ["SESSION_SECRET"] as const;

/** Statements provision_infra applies to the database (idempotent). */
export const AUTH_SCHEMA = [
  "CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)",
];

export const AUTH_WORKER_SOURCE = String.raw`
const enc = new TextEncoder();
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function hashPassword(password, salt) {
  const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: enc.encode(salt), iterations: 100000 }, key, 256);
  return salt + "$" + b64(bits);
}

async function hmac(secret, data) {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return b64(await crypto.subtle.sign("HMAC", key, enc.encode(data)));
}

async function issue(env, userId) {
  const payload = b64(enc.encode(JSON.stringify({ sub: userId, exp: Date.now() + 86400000 })));
  return payload + "." + (await hmac(env.SESSION_SECRET, payload));
}

async function session(env, request) {
  const token = (request.headers.get("authorization") || "").replace(/^Bearer /, "");
  const [payload, sig] = token.split(".");
  if (!payload || !sig || (await hmac(env.SESSION_SECRET, payload)) !== sig) return null;
  const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
  return claims.exp > Date.now() ? claims : null;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      const row = await env.DB.prepare("SELECT 1 AS ok").first();
      return json({ ok: row && row.ok === 1 });
    }
    if (request.method === "POST" && (url.pathname === "/signup" || url.pathname === "/login")) {
      const { email, password } = await request.json().catch(() => ({}));
      if (typeof email !== "string" || typeof password !== "string" || password.length < 12) return json({ error: "invalid_credentials" }, 400);
      if (url.pathname === "/signup") {
        const id = crypto.randomUUID();
        const hash = await hashPassword(password, crypto.randomUUID());
        const inserted = await env.DB.prepare("INSERT OR IGNORE INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)")
          .bind(id, email.toLowerCase(), hash, new Date().toISOString()).run();
        if (!inserted.meta.changes) return json({ error: "email_taken" }, 409);
        return json({ token: await issue(env, id) }, 201);
      }
      const user = await env.DB.prepare("SELECT id, password_hash FROM users WHERE email = ?").bind(email.toLowerCase()).first();
      if (!user || (await hashPassword(password, user.password_hash.split("$")[0])) !== user.password_hash) return json({ error: "invalid_credentials" }, 401);
      return json({ token: await issue(env, user.id) });
    }
    if (url.pathname === "/me") {
      const claims = await session(env, request);
      return claims ? json({ userId: claims.sub }) : json({ error: "unauthorized" }, 401);
    }
    return json({ error: "not_found" }, 404);
  },
};
`;
