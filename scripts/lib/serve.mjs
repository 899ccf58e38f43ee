// The HTTP server of `npm start` and `npm run dev`: Next.js's own request handler behind
// rewriteForwardedHeaders (socket-headers.mjs), so that the client address used by rate
// limits is the socket's unless ONRAMP_TRUST_PROXY=true. Everything else is Next's.
//   node scripts/lib/serve.mjs [--dev]   (PORT, HOSTNAME from the environment)
import http from "node:http";
import next from "next";
import { rewriteForwardedHeaders } from "./socket-headers.mjs";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME || undefined;
const trustProxy = process.env.ONRAMP_TRUST_PROXY === "true";

const app = next({ dev, dir: process.cwd(), port, hostname: hostname ?? "localhost", turbopack: dev });
await app.prepare();
const handle = app.getRequestHandler();
const upgrade = typeof app.getUpgradeHandler === "function" ? app.getUpgradeHandler() : null;

const server = http.createServer((req, res) => {
  rewriteForwardedHeaders(req, trustProxy);
  void handle(req, res);
});
// Dev's hot reload talks over a websocket.
if (upgrade) {
  server.on("upgrade", (req, socket, head) => {
    rewriteForwardedHeaders(req, trustProxy);
    void upgrade(req, socket, head);
  });
}
server.listen(port, hostname, () => {
  console.log(`   ▲ Next.js ${dev ? "dev" : "production"} server on http://${hostname ?? "localhost"}:${port}`);
});

// As `next start` does: stop accepting, then exit.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close();
    process.exit(0);
  });
}
