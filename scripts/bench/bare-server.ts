// The HTTP floor: a bare node:http server answering with the exact status, headers and body
// the app sent for the same request (captured by the bench), without any work in between.
// Usage: node --import tsx scripts/bench/bare-server.ts <replay.json> [<database url> <token hash> <session id>];
// prints "listening <port>". With a database: the node:http + pg floor — before answering, the
// two primary-key reads a GET needs at least (the token by its hash, the session by its id),
// through a plain pg pool of the app's size.
import http from "node:http";
import { readFileSync } from "node:fs";
import pg from "pg";

interface Replay {
  etag: string;
  ok: { headers: [string, string][]; body: string };
  notModified: { headers: [string, string][] };
}

const replay = JSON.parse(readFileSync(process.argv[2], "utf8")) as Replay;
const okBody = Buffer.from(replay.ok.body, "base64");

const [databaseUrl, tokenHash, sessionId] = process.argv.slice(3);
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : null;

async function reads(): Promise<void> {
  if (!pool) return;
  const token = await pool.query('SELECT * FROM "ApiToken" WHERE "tokenHash" = $1', [tokenHash]);
  const session = await pool.query('SELECT * FROM "OnboardingSession" WHERE "id" = $1', [sessionId]);
  if (token.rowCount !== 1 || session.rowCount !== 1) throw new Error("the floor's rows are missing");
}

const server = http.createServer((req, res) => {
  reads().then(
    () => answer(req, res),
    (err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    },
  );
});

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const inm = req.headers["if-none-match"];
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === replay.etag)) {
    for (const [k, v] of replay.notModified.headers) res.setHeader(k, v);
    res.writeHead(304);
    res.end();
    return;
  }
  for (const [k, v] of replay.ok.headers) res.setHeader(k, v);
  res.writeHead(200);
  res.end(okBody);
}
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
const stop = () => server.close(() => void (pool?.end() ?? Promise.resolve()).finally(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
