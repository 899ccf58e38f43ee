// Tracing is off (and the helpers pass straight through) without OTEL_EXPORTER_OTLP_ENDPOINT;
// with it, spans reach an OTLP/HTTP collector — here a loopback server standing in for one.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTraceparent, startTracing, stopTracing, traceFields, tracingEnabled, withSpan } from "./tracing";

let collector: Server;
const received: { path: string; type: string; bytes: number }[] = [];
let endpoint = "";

beforeAll(async () => {
  collector = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => {
      received.push({ path: req.url ?? "", type: String(req.headers["content-type"]), bytes });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const address = collector.address();
  endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await new Promise((r) => collector.close(r));
});

describe("tracing", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT: no span, no traceparent, no trace id in logs", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    expect(await startTracing("test")).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const seen = await withSpan("nothing", {}, async (span) => {
      expect(currentTraceparent()).toBeNull();
      expect(traceFields()).toEqual({});
      return span;
    });
    expect(seen).toBeNull();
  });

  it("exports spans to the OTLP/HTTP endpoint when it is set", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    expect(await startTracing("test")).toBe(true);
    let traceparent: string | null = null;
    await withSpan("exported", { "onramp.test": true }, async () => {
      traceparent = currentTraceparent();
    });
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await stopTracing(); // flushes the batch
    expect(received.some((r) => r.path === "/v1/traces" && r.bytes > 0)).toBe(true);
  });
});
