// A local Cloudflare-compatible API (`/client/v4`) with in-memory state per account: the
// endpoints the Cloudflare infrastructure provider calls, Cloudflare's envelope
// {success, errors, messages, result, result_info}, its error codes and statuses, and fault
// injection (429 + Retry-After, 5xx, slow answers, a token missing one permission, names taken
// by someone else, deployments that stay in progress). The official SDK talks to it through
// `baseURL`. Tokens are only compared, never logged or echoed.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ALL_PERMISSIONS, CfError, errors, newHex, newUuid, now, type Account, type FakePermission } from "./state";
import { buildRoutes, type Route } from "./routes";

export { ALL_PERMISSIONS, type FakePermission } from "./state";

export interface FakeToken {
  status?: "active" | "disabled" | "expired";
  /** Accounts the token's "Account Resources" include. */
  accounts: string[];
  /** Permission groups granted (default: all the provider needs). */
  permissions?: FakePermission[];
  /** Account-owned tokens verify at /accounts/:id/tokens/verify; /user/tokens/verify rejects them. */
  owner?: "user" | "account";
}

export interface Fault {
  /** Answer with this status (and `code`) instead of handling the request; omit to only delay it. */
  status?: number;
  code?: number;
  message?: string;
  /** Seconds, sent as Retry-After (429s default to 1). */
  retryAfter?: number;
  times?: number;
  delayMs?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface FakeCloudflare {
  /** The SDK's `baseURL` (…/client/v4). */
  url: string;
  origin: string;
  close(): Promise<void>;
  addAccount(id: string, opts?: { name?: string; d1Limit?: number }): void;
  addToken(token: string, t: FakeToken): void;
  /** Someone else's (or a crashed run's) database; `tables` creates empty tables in it. */
  addDatabase(accountId: string, name: string, opts?: { tables?: string[] }): string;
  addScript(accountId: string, name: string, opts?: { tags?: string[] }): void;
  addProject(accountId: string, name: string, opts?: { envVars?: Record<string, string> }): void;
  /** `pattern` matches "METHOD /path" below /client/v4 (`*` = one segment) or is a RegExp. */
  failNext(pattern: string | RegExp, fault: Fault): void;
  clearFaults(): void;
  /** New Pages deployments answer "in progress" to this many GETs, then end in `outcome`. */
  setDeploymentBehaviour(b: { pollsInProgress?: number; outcome?: "success" | "failure" }): void;
  account(id: string): Account | undefined;
  readonly requests: RequestRecord[];
  readonly counts: {
    databasesCreated: number;
    scriptsUploaded: number;
    secretsPut: number;
    projectsCreated: number;
    deploymentsCreated: number;
    deletes: number;
  };
}

interface ActiveFault extends Fault {
  match: (line: string) => boolean;
  remaining: number;
}

const PREFIX = "/client/v4";

function patternMatcher(pattern: string | RegExp): (line: string) => boolean {
  if (pattern instanceof RegExp) return (line) => pattern.test(line);
  const [, method, path] = /^(?:([A-Za-z]+)\s+)?(\S+)$/.exec(pattern.trim()) ?? [];
  if (!path) throw new Error(`Unusable fault pattern "${pattern}"`);
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const regex = new RegExp(
    `^${method ? escape(method.toUpperCase()) : "[A-Z]+"} ${path.split("*").map(escape).join("[^/]+")}$`,
    "i",
  );
  return (line) => regex.test(line);
}

function envelope(result: unknown, resultInfo?: unknown) {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res
    .writeHead(status, { "content-type": "application/json", "cf-ray": `${newHex(8)}-FAKE`, ...headers })
    .end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: CfError) {
  send(
    res,
    err.status,
    { success: false, errors: [{ code: err.code, message: err.message }], messages: [], result: null },
    err.headers,
  );
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeCloudflare(opts: { port?: number; host?: string } = {}): Promise<FakeCloudflare> {
  const accounts = new Map<string, Account>();
  const tokens = new Map<string, FakeToken & { id: string }>();
  const faults: ActiveFault[] = [];
  const requests: RequestRecord[] = [];
  const counts: FakeCloudflare["counts"] = {
    databasesCreated: 0,
    scriptsUploaded: 0,
    secretsPut: 0,
    projectsCreated: 0,
    deploymentsCreated: 0,
    deletes: 0,
  };
  const deploymentBehaviour = { pollsInProgress: 0, outcome: "success" as "success" | "failure" };
  /** Pages upload JWTs → the project they may upload to. */
  const uploadTokens = new Map<string, { accountId: string; project: string }>();

  const routes: Route[] = buildRoutes({ accounts, counts, deploymentBehaviour, uploadTokens });

  function applyFault(line: string): ActiveFault | undefined {
    const index = faults.findIndex((f) => f.match(line));
    if (index < 0) return undefined;
    const fault = faults[index];
    if (--fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function bearer(req: IncomingMessage): string | undefined {
    return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  }

  /** Out-of-band controls for tests in another process (Playwright, curl). */
  async function control(
    method: string,
    path: string,
    req: IncomingMessage,
  ): Promise<{ status: number; body?: unknown } | undefined> {
    if (method === "GET" && path === "/_fake/state") {
      const state = [...accounts.values()].map((a) => ({
        id: a.id,
        databases: [...a.databases.values()].map((d) => ({ uuid: d.uuid, name: d.name, tables: [...d.tables.keys()] })),
        scripts: [...a.scripts.values()].map((s) => ({ id: s.id, tags: s.tags, secrets: [...s.secrets.keys()] })),
        projects: [...a.projects.values()].map((p) => ({ name: p.name, deployments: p.deployments.map((d) => d.id) })),
      }));
      return { status: 200, body: { accounts: state, counts, requests: requests.slice(-200) } };
    }
    const body =
      method === "POST" ? (JSON.parse((await readRaw(req)).toString("utf8") || "{}") as Record<string, unknown>) : {};
    if (method === "POST" && path === "/_fake/fail-next") {
      api.failNext(typeof body.pattern === "string" ? body.pattern : /.*/, {
        status: Number(body.status) || undefined,
        code: Number(body.code) || undefined,
        retryAfter: Number(body.retryAfter) || undefined,
        times: Number(body.times) || 1,
        delayMs: Number(body.delayMs) || undefined,
      });
      return { status: 204 };
    }
    if (method === "POST" && path === "/_fake/deployment-behaviour") {
      api.setDeploymentBehaviour({
        pollsInProgress: Number(body.pollsInProgress) || 0,
        outcome: body.outcome === "failure" ? "failure" : "success",
      });
      return { status: 204 };
    }
    if (method === "POST" && path === "/_fake/token") {
      api.addToken(String(body.token), body as unknown as FakeToken);
      return { status: 204 };
    }
    return undefined;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const fullPath = url.pathname.replace(/\/+$/, "") || "/";
    const record: RequestRecord = { method, path: fullPath, status: 0 };
    requests.push(record);
    try {
      if (fullPath.startsWith("/_fake/")) {
        const answer = await control(method, fullPath, req);
        record.status = answer?.status ?? 404;
        if (!answer || answer.status === 204) res.writeHead(answer?.status ?? 404).end();
        else send(res, answer.status, answer.body);
        return;
      }
      if (!fullPath.startsWith(PREFIX)) throw errors.routeNotFound();
      const path = fullPath.slice(PREFIX.length) || "/";
      const fault = applyFault(`${method} ${path}`);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.status) {
        if (fault.status === 429)
          throw new CfError(
            429,
            fault.code ?? 971,
            fault.message ?? "Please wait and consider throttling your request speed",
            { "retry-after": String(fault.retryAfter ?? 1) },
          );
        throw new CfError(
          fault.status,
          fault.code ?? (fault.status >= 500 ? 10001 : 10000),
          fault.message ?? (fault.status >= 500 ? "Internal server error" : "Authentication error"),
        );
      }
      const route = routes.find((r) => r.method === method && r.path.test(path));
      if (!route) throw errors.routeNotFound();
      const params = route.path.exec(path)!.slice(1).map(decodeURIComponent);
      const secret = bearer(req);

      // Pages asset uploads authenticate with the project's upload JWT, not the API token.
      if (route.auth === "upload-jwt") {
        const grant = secret ? uploadTokens.get(secret) : undefined;
        if (!grant) throw errors.invalidToken();
        const result = await route.handler({ params, url, req, raw: await readRaw(req), grant });
        record.status = 200;
        send(res, 200, envelope(result.text === undefined ? result.result : null));
        return;
      }

      const token = secret ? tokens.get(secret) : undefined;
      if (route.auth === "verify-user") {
        if (!token || token.owner === "account") throw errors.invalidToken();
        record.status = 200;
        send(res, 200, envelope({ id: token.id, status: token.status ?? "active" }), {});
        return;
      }
      if (!token || (token.status ?? "active") !== "active") throw errors.authentication();
      const accountId = params[0];
      if (!token.accounts.includes(accountId) || !accounts.has(accountId)) {
        throw route.permission === "account_settings" || route.auth === "verify-account"
          ? errors.accountUnauthorized()
          : errors.authentication();
      }
      if (route.auth === "verify-account") {
        if (token.owner !== "account") throw errors.invalidToken();
        record.status = 200;
        send(res, 200, envelope({ id: token.id, status: "active" }));
        return;
      }
      if (route.permission && !(token.permissions ?? ALL_PERMISSIONS).includes(route.permission))
        throw errors.authentication();
      const raw = method === "GET" || method === "DELETE" ? Buffer.alloc(0) : await readRaw(req);
      const result = await route.handler({ params, url, req, raw, account: accounts.get(accountId)! });
      record.status = 200;
      if (result.text !== undefined) res.writeHead(200, { "content-type": result.contentType }).end(result.text);
      else send(res, 200, envelope(result.result, result.resultInfo));
    } catch (err) {
      const cfError = err instanceof CfError ? err : errors.serverError();
      if (!(err instanceof CfError)) console.error("[fake-cloudflare] handler failed", err);
      record.status = cfError.status;
      if (!res.headersSent) sendError(res, cfError);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  const api: FakeCloudflare = {
    url: `${origin}${PREFIX}`,
    origin,
    requests,
    counts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addAccount(id, o = {}) {
      if (accounts.has(id)) return;
      accounts.set(id, {
        id,
        name: o.name ?? `Account ${id.slice(0, 6)}`,
        d1Limit: o.d1Limit ?? 10,
        databases: new Map(),
        scripts: new Map(),
        projects: new Map(),
      });
    },
    addToken(token, t) {
      tokens.set(token, { ...t, id: newHex(16) });
    },
    addDatabase(accountId, name, o = {}) {
      const uuid = newUuid();
      const tables = new Map((o.tables ?? []).map((t) => [t, { columns: ["id"], rows: [] }]));
      accounts.get(accountId)!.databases.set(uuid, { uuid, name, createdAt: now(), tables });
      return uuid;
    },
    addScript(accountId, name, o = {}) {
      const t = now();
      accounts.get(accountId)!.scripts.set(name, {
        id: name,
        tags: o.tags ?? [],
        mainModule: "index.js",
        bindings: [],
        content: "export default { fetch() { return new Response('hi') } }",
        secrets: new Map(),
        createdOn: t,
        modifiedOn: t,
      });
    },
    addProject(accountId, name, o = {}) {
      const envVars = Object.fromEntries(
        Object.entries(o.envVars ?? {}).map(([k, v]) => [k, { type: "plain_text", value: v }]),
      );
      accounts.get(accountId)!.projects.set(name, {
        id: newUuid(),
        name,
        subdomain: `${name}.pages.dev`,
        productionBranch: "main",
        source: null,
        deploymentConfigs: { production: { env_vars: envVars }, preview: { env_vars: {} } },
        buildConfig: {},
        createdOn: now(),
        deployments: [],
        uploadedHashes: new Set(),
      });
    },
    failNext(pattern, fault) {
      faults.push({ ...fault, match: patternMatcher(pattern), remaining: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setDeploymentBehaviour(b) {
      deploymentBehaviour.pollsInProgress = b.pollsInProgress ?? 0;
      deploymentBehaviour.outcome = b.outcome ?? "success";
    },
    account(id) {
      return accounts.get(id);
    },
  };
  return api;
}

/** The world `main.ts --seed demo` builds; Playwright and people trying the product use it. */
export const DEMO_SEED = {
  accountId: "0123456789abcdef0123456789abcdef",
  takenSlug: "taken",
  tokens: {
    full: "onramp-demo-cf-token",
    noPages: "onramp-demo-cf-no-pages-token",
    disabled: "onramp-demo-cf-disabled-token",
  },
} as const;

export function seedDemo(fake: FakeCloudflare): void {
  const { accountId, takenSlug, tokens } = DEMO_SEED;
  fake.addAccount(accountId, { name: "Onramp Demo" });
  fake.addToken(tokens.full, { accounts: [accountId] });
  fake.addToken(tokens.noPages, { accounts: [accountId], permissions: ALL_PERMISSIONS.filter((p) => p !== "pages") });
  fake.addToken(tokens.disabled, { accounts: [accountId], status: "disabled" });
  // Names the slug "taken" would use, held by somebody else (no Onramp marker).
  fake.addDatabase(accountId, `onramp-${takenSlug}-auth`, { tables: ["users"] });
  fake.addScript(accountId, `onramp-${takenSlug}-auth`, { tags: ["team-billing"] });
  fake.addProject(accountId, `onramp-${takenSlug}`);
}
