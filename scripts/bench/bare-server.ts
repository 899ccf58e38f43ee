// The HTTP floor: a bare node:http server answering with the exact status, headers and body
// the app sent for the same request (captured by the bench), without any work in between.
// Usage: node --import tsx scripts/bench/bare-server.ts <replay.json>; prints "listening <port>".
import http from "node:http";
import { readFileSync } from "node:fs";

interface Replay {
  etag: string;
  ok: { headers: [string, string][]; body: string };
  notModified: { headers: [string, string][] };
}

const replay = JSON.parse(readFileSync(process.argv[2], "utf8")) as Replay;
const okBody = Buffer.from(replay.ok.body, "base64");

const server = http.createServer((req, res) => {
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
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
