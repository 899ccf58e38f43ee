// Forwarded headers a client cannot forge. Next.js fills X-Forwarded-For/-Host/-Proto from the
// socket only when the request does not carry them, so without a proxy of ours in front a
// client could name any address (and pick its sign-in rate-limit bucket, or someone else's).
// Unless ONRAMP_TRUST_PROXY=true, they are replaced by what the socket says before Next.js
// sees the request; Next.js then sets host and proto itself. Plain JavaScript: it runs in the
// server process of scripts/lib/serve.mjs, which must not load TypeScript tooling.

const FORWARDED = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "forwarded",
  "x-real-ip",
];

/** @param {import("node:http").IncomingMessage} req @param {boolean} trustProxy */
export function rewriteForwardedHeaders(req, trustProxy) {
  if (trustProxy) return;
  for (const name of FORWARDED) delete req.headers[name];
  const remote = req.socket.remoteAddress;
  if (remote) req.headers["x-forwarded-for"] = remote;
  // Keep rawHeaders consistent: some code reads them instead of the parsed object.
  const raw = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!FORWARDED.includes(req.rawHeaders[i].toLowerCase())) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  if (remote) raw.push("X-Forwarded-For", remote);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}
