import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, REDACT_PATHS } from "./logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, stream);
  return { logger, lines };
}

describe("logger redaction", () => {
  it("removes credentials at the top level and nested two deep", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: "onr_top",
        req: { headers: { authorization: "Bearer onr_secret", cookie: "next-auth.session-token=abc" } },
        connection: { secret: "ghp_x", config: { org: "acme" } },
        password: "hunter2",
      },
      "hello",
    );
    const text = lines.join("");
    for (const secret of ["onr_top", "onr_secret", "session-token=abc", "ghp_x", "hunter2"])
      expect(text).not.toContain(secret);
    expect(text).toContain("acme");
    expect(text).toContain("[redacted]");
  });
});

describe("the per-request logger", () => {
  it("writes the request line exactly as the redacting logger would", () => {
    const withRedaction = { lines: [] as string[] };
    const without = { lines: [] as string[] };
    const sink = (into: string[]) => ({ write: (line: string) => void into.push(line) });
    const line = { requestId: "r-1", method: "GET", path: "/api/v1/me", status: 200, durationMs: 1.5, actor: "token" };
    createLogger({ redact: true }, sink(withRedaction.lines)).info(line, "request");
    createLogger({ redact: false }, sink(without.lines)).info(line, "request");
    const strip = (l: string) => ({ ...JSON.parse(l), time: 0 });
    expect(strip(without.lines[0])).toEqual(strip(withRedaction.lines[0]));
    expect(strip(without.lines[0])).toMatchObject({ ...line, msg: "request", level: 30 });
  });

  it("the general logger still redacts", () => {
    const lines: string[] = [];
    createLogger({ redact: true }, { write: (l: string) => void lines.push(l) }).info({ token: "onr_x" }, "t");
    expect(lines.join("")).not.toContain("onr_x");
  });
});
