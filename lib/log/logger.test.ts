import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { REDACT_PATHS } from "./logger";

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
