// Real HTTP servers on loopback for the address-guard tests: a receiver that stands for an
// internal service and counts what reaches it, and a "public" server (127.0.0.2, which the
// tests' policy treats as public; Linux routes all of 127/8 to lo) that can redirect.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isInternalAddress, type AddressPolicy } from "@/lib/net/address-guard";

export const PUBLIC_IN_TESTS = "127.0.0.2";

/** The real rules, except that 127.0.0.2 counts as a public address. */
export const testPolicy: AddressPolicy = (address) => address === PUBLIC_IN_TESTS || !isInternalAddress(address);

/** A body that must never reach an operator. */
export const INTERNAL_BODY = `{"login":"internal-secret-7f00","message":"INTERNAL METADATA 169.254"}`;
export const REDIRECT_BODY = "REDIRECT BODY that must not be shown";

export interface TestServer {
  port: number;
  url: string;
  requests: { method?: string; url?: string; authorization?: string }[];
  close: () => Promise<void>;
}

export async function startServer(
  host: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host}:${bound}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The internal service: answers 200 with INTERNAL_BODY to anything. */
export function startInternalReceiver(port = 0): Promise<TestServer> {
  return startServer(
    "127.0.0.1",
    (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(INTERNAL_BODY);
    },
    port,
  );
}

/** A "public" server that redirects everything to `location` with REDIRECT_BODY as the body. */
export function startRedirector(location: string, status = 302): Promise<TestServer> {
  return startServer(PUBLIC_IN_TESTS, (_req, res) => {
    res.writeHead(status, { location, "content-type": "text/plain" });
    res.end(REDIRECT_BODY);
  });
}

/** Every spelling of loopback the guard must refuse, for a port. */
export function internalForms(port: number): string[] {
  return [
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:1]:${port}/`,
    `http://[64:ff9b::7f00:1]:${port}/`,
    `http://2130706433:${port}/`,
    `http://127.1:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://localhost:${port}/`,
  ];
}
