// HTTP load generation with node:http and keep-alive agents (no dependencies), always against
// 127.0.0.1. Every loop is bounded in time and in count.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { percentile, prng } from "./stats";

export const HOST = "127.0.0.1";

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request with the whole response; for setup and checks, not for load. A keep-alive socket
 * the server closed just as it was reused fails with ECONNRESET before the request was read:
 * that is retried once on a fresh socket (as Node's http docs advise), nothing else is.
 */
export async function send(
  port: number,
  spec: RequestSpec,
  agent: http.Agent = setupAgent,
  timeoutMs = 60_000,
): Promise<Reply> {
  try {
    return await sendOnce(port, spec, agent, timeoutMs);
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === "ECONNRESET") {
      return sendOnce(port, spec, agent, timeoutMs);
    }
    throw err;
  }
}

function sendOnce(port: number, spec: RequestSpec, agent: http.Agent, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port, method: spec.method ?? "GET", path: spec.path, headers: spec.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${spec.method ?? "GET"} ${spec.path} timed out after ${timeoutMs} ms`)),
    );
    req.end(spec.body);
  });
}

export async function sendJson<T = Record<string, unknown>>(
  port: number,
  spec: RequestSpec & { json?: unknown },
): Promise<{ status: number; body: T; headers: http.IncomingHttpHeaders }> {
  const headers = { ...(spec.headers ?? {}) };
  let body = spec.body;
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    headers["content-type"] = "application/json";
  }
  const reply = await send(port, { ...spec, headers, body });
  const text = reply.body.toString("utf8");
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: reply.status, body: parsed as T, headers: reply.headers };
}

/** What a reply callback receives (only requested by loads that follow the answers, e.g. ETags). */
export type OnReply = (status: number, headers: http.IncomingHttpHeaders, body: Buffer) => void;

/** Fires one request and resolves with its status (-1 on a network error), discarding the body unless `onReply` wants it. */
function fire(agent: http.Agent, port: number, spec: RequestSpec, onReply?: OnReply): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: HOST, port, method: spec.method ?? "GET", path: spec.path, headers: spec.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("end", () => {
          onReply?.(res.statusCode ?? 0, res.headers, Buffer.concat(chunks));
          resolve(res.statusCode ?? 0);
        });
        res.on("error", () => resolve(-1));
        if (onReply) res.on("data", (c: Buffer) => chunks.push(c));
        else res.resume();
      },
    );
    req.on("error", () => resolve(-1));
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.end(spec.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LoadResult {
  /** Completed in the measurement window. */
  requests: number;
  /** Completed in all (warm-up included): what the CPU time measured around the run served. */
  completed: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Responses with another status than expected, and network errors. */
  errors: number;
  statuses: Record<string, number>;
  windowMs: number;
}

function summarise(
  latencies: number[],
  statuses: Map<number, number>,
  expect: number | number[],
  windowMs: number,
  completed = latencies.length,
): LoadResult {
  const expected = Array.isArray(expect) ? expect : [expect];
  let errors = 0;
  for (const [status, n] of statuses) if (!expected.includes(status)) errors += n;
  return {
    requests: latencies.length,
    completed,
    rps: (latencies.length * 1000) / windowMs,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    errors,
    statuses: Object.fromEntries([...statuses].map(([s, n]) => [String(s), n])),
    windowMs,
  };
}

/**
 * Closed loop: `concurrency` clients, each on its own keep-alive connection, send the next
 * request when the previous one is answered. Requests completing in the first `warmupMs` are
 * not counted; throughput and latency are over those completing in the next `durationMs`.
 */
export async function closedLoop(opts: {
  port: number;
  spec: RequestSpec;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  expect: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const measureTo = measureFrom + opts.durationMs;
  const maxRequests = 5_000_000;
  let issued = 0;
  let completed = 0;
  const client = async () => {
    while (performance.now() < measureTo && issued < maxRequests) {
      issued++;
      const t0 = performance.now();
      const status = await fire(agent, opts.port, opts.spec);
      const t1 = performance.now();
      completed++;
      if (t1 >= measureFrom && t1 <= measureTo) {
        latencies.push(t1 - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      if (status === -1) await sleep(10); // do not spin on a refused connection
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  agent.destroy();
  return summarise(latencies, statuses, opts.expect, opts.durationMs, completed);
}

export interface OpenLoopResult extends LoadResult {
  scheduled: number;
  /** Polls not sent because the same operator's previous poll was still unanswered. */
  skipped: number;
  /** How late the generator sent polls (its own lag), p99 in ms. */
  dispatchLagP99: number;
}

/**
 * Open loop: each of `clients` sends `spec(i)` every `periodMs`, starting at a random phase
 * (seeded), for `windowMs`. Like the wizard's refetchInterval, a client does not send while
 * its previous request is unanswered. Latency is measured from the actual send.
 */
export async function openLoop(opts: {
  port: number;
  clients: number;
  spec: (client: number) => RequestSpec;
  periodMs: number;
  windowMs: number;
  /** The expected status, or every status that is not an error (a watch answers 200 or 304). */
  expect: number | number[];
  seed: number;
  /** Called with each answer of client i (its body read) — to follow ETags and cursors. */
  onReply?: (client: number, ...reply: Parameters<OnReply>) => void;
}): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
  const rand = prng(opts.seed);
  const events: { at: number; client: number }[] = [];
  for (let c = 0; c < opts.clients; c++) {
    for (let at = rand() * opts.periodMs; at < opts.windowMs; at += opts.periodMs) events.push({ at, client: c });
  }
  events.sort((a, b) => a.at - b.at);
  const busy = new Uint8Array(opts.clients);
  const latencies: number[] = [];
  const lags: number[] = [];
  const statuses = new Map<number, number>();
  const inflight = new Set<Promise<void>>();
  let skipped = 0;
  const start = performance.now();
  let next = 0;
  while (next < events.length) {
    const now = performance.now() - start;
    if (now > opts.windowMs + 5_000) break; // bounded even if the timers starve
    while (next < events.length && events[next].at <= now) {
      const ev = events[next++];
      if (busy[ev.client]) {
        skipped++;
        continue;
      }
      busy[ev.client] = 1;
      lags.push(now - ev.at);
      const t0 = performance.now();
      const onReply = opts.onReply && ((...reply: Parameters<OnReply>) => opts.onReply!(ev.client, ...reply));
      const p = fire(agent, opts.port, opts.spec(ev.client), onReply).then((status) => {
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        busy[ev.client] = 0;
        inflight.delete(p);
      });
      inflight.add(p);
    }
    if (next < events.length) await sleep(Math.max(0, Math.min(50, events[next].at - (performance.now() - start))));
  }
  await Promise.race([Promise.all(inflight), sleep(35_000)]);
  agent.destroy();
  return {
    ...summarise(latencies, statuses, opts.expect, opts.windowMs),
    scheduled: events.length,
    skipped,
    dispatchLagP99: percentile(lags, 99),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
