// The guarded fetch against real sockets: an internal receiver on 127.0.0.1 counts every
// request that reaches it, and must count none.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  INTERNAL_BODY,
  internalForms,
  PUBLIC_IN_TESTS,
  REDIRECT_BODY,
  startInternalReceiver,
  startRedirector,
  startServer,
  testPolicy,
  type TestServer,
} from "@/test/loopback-receiver";
import { assertPublicTarget, createGuardedFetch, guardedFetch, refusalOf, UpstreamRefusedError } from "./guarded-fetch";

let receiver: TestServer;
const servers: TestServer[] = [];

beforeAll(async () => {
  receiver = await startInternalReceiver();
  servers.push(receiver);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function refusal(promise: Promise<unknown>): Promise<UpstreamRefusedError> {
  const err = await promise.then(
    () => new Error("expected a refusal"),
    (e: unknown) => e,
  );
  const found = refusalOf(err);
  expect(found, String(err)).toBeInstanceOf(UpstreamRefusedError);
  return found!;
}

describe("guarded fetch, guard on", () => {
  it.each(internalForms(0).map((_, i) => i))(
    "refuses internal form #%i without a request reaching the receiver",
    async (i) => {
      vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "false");
      const url = internalForms(receiver.port)[i];
      const before = receiver.requests.length;
      const err = await refusal(guardedFetch(url, { method: "POST", body: "{}" }));
      expect(err.code).toBe("target_address_refused");
      await expect(assertPublicTarget(url)).rejects.toBeInstanceOf(UpstreamRefusedError);
      expect(receiver.requests.length, url).toBe(before);
    },
  );

  it("refuses a name whose answer holds any internal address", async () => {
    const before = receiver.requests.length;
    const fetchIt = createGuardedFetch({
      isAllowed: testPolicy,
      lookup: async () => [
        { address: PUBLIC_IN_TESTS, family: 4 },
        { address: "127.0.0.1", family: 4 },
      ],
    });
    const err = await refusal(fetchIt(`http://mixed.test:${receiver.port}/`));
    expect(err.code).toBe("target_address_refused");
    expect(receiver.requests.length).toBe(before);
  });
});

describe("redirects", () => {
  it("are refused, not followed, and the redirect's body is not in the error", async () => {
    const before = receiver.requests.length;
    const redirector = await startRedirector(`${receiver.url}/latest/meta-data`);
    servers.push(redirector);
    const fetchIt = createGuardedFetch({ isAllowed: testPolicy });
    const err = await refusal(fetchIt(`${redirector.url}/user`));
    expect(err).toMatchObject({ code: "upstream_redirect_refused", status: 302 });
    expect(redirector.requests).toHaveLength(1);
    expect(receiver.requests.length).toBe(before);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(REDIRECT_BODY);
    expect(err.message).not.toContain("meta-data");
  });

  it("are refused even when the caller asks to follow them", async () => {
    const before = receiver.requests.length;
    const redirector = await startRedirector(`${receiver.url}/`, 307);
    servers.push(redirector);
    const fetchIt = createGuardedFetch({ isAllowed: testPolicy });
    await refusal(fetchIt(redirector.url, { redirect: "follow" }));
    expect(receiver.requests.length).toBe(before);
  });
});

describe("DNS rebinding", () => {
  it("connects to the address it vetted; a later answer naming an internal address is refused", async () => {
    const before = receiver.requests.length;
    // The same port on both addresses, so a second resolution to 127.0.0.1 would really land.
    const publicServer = await startServer(
      PUBLIC_IN_TESTS,
      (_req, res) => {
        // A new connection per request, so every request resolves the name again.
        res.writeHead(200, { connection: "close", "content-type": "text/plain" });
        res.end("public");
      },
      receiver.port,
    );
    servers.push(publicServer);
    const answers = [PUBLIC_IN_TESTS, "127.0.0.1", "127.0.0.1"];
    const lookup = vi.fn(async () => [{ address: answers.shift() ?? "127.0.0.1", family: 4 }]);
    const fetchIt = createGuardedFetch({ isAllowed: testPolicy, lookup });
    const url = `http://rebind.test:${receiver.port}/`;

    const first = await fetchIt(url);
    expect(await first.text()).toBe("public");
    const err = await refusal(fetchIt(url));
    expect(err.code).toBe("target_address_refused");

    expect(publicServer.requests).toHaveLength(1);
    expect(receiver.requests.length).toBe(before);
    expect(lookup).toHaveBeenCalledWith("rebind.test");
  });
});

describe("guarded fetch, guard off (development, tests)", () => {
  it("takes the same path and reaches loopback", async () => {
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "true");
    const before = receiver.requests.length;
    const res = await guardedFetch(`http://[::ffff:7f00:1]:${receiver.port}/hook`, { method: "POST", body: "{}" });
    expect(await res.text()).toBe(INTERNAL_BODY);
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('sends a FormData body as multipart (the Cloudflare SDK\'s Worker upload), not as "[object FormData]"', async () => {
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "true");
    const seen: { type?: string; body: string }[] = [];
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ type: req.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      const form = new FormData();
      form.set(
        "metadata",
        new Blob([JSON.stringify({ main_module: "w.mjs" })], { type: "application/json" }),
        "metadata.json",
      );
      const res = await guardedFetch(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/upload`, {
        method: "PUT",
        body: form,
      });
      expect(await res.text()).toBe("ok");
      expect(seen[0].type).toMatch(/^multipart\/form-data; boundary=/);
      expect(seen[0].body).toContain('name="metadata"');
      expect(seen[0].body).toContain('{"main_module":"w.mjs"}');
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it("passes the abort signal through", async () => {
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "true");
    const slow = await startServer("127.0.0.1", () => {
      // never answers
    });
    servers.push(slow);
    await expect(guardedFetch(slow.url, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
  });
});
