// The server of `npm start` / `npm run dev` replaces forwarded headers with the socket's
// address unless a proxy of ours is trusted: a real HTTP server, a client lying about itself.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { rewriteForwardedHeaders } from "./socket-headers.mjs";

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function seenHeaders(trustProxy: boolean, headers: Record<string, string>) {
  server = http.createServer((req, res) => {
    rewriteForwardedHeaders(req, trustProxy);
    res.end(JSON.stringify({ headers: req.headers, raw: req.rawHeaders }));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers });
  return (await res.json()) as { headers: Record<string, string>; raw: string[] };
}

const lies = {
  "x-forwarded-for": "203.0.113.9",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "https",
  forwarded: "for=203.0.113.9;host=evil.example",
  "x-real-ip": "203.0.113.9",
};

describe("rewriteForwardedHeaders", () => {
  it("replaces what the client says about its address, host and scheme with the socket's address", async () => {
    const { headers, raw } = await seenHeaders(false, lies);
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    for (const name of ["x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip"])
      expect(headers[name], name).toBeUndefined();
    expect(raw.join("\n")).not.toContain("203.0.113.9");
    expect(raw.join("\n")).not.toContain("evil.example");
  });

  it("sets the socket's address when the client sent none", async () => {
    expect((await seenHeaders(false, {})).headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("leaves them to a trusted proxy (ONRAMP_TRUST_PROXY=true)", async () => {
    const { headers } = await seenHeaders(true, lies);
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(headers["x-forwarded-host"]).toBe("evil.example");
  });
});
