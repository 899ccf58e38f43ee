import { afterEach, describe, expect, it, vi } from "vitest";
import { assertValidEnv, env, EnvError, envProblems } from "./env";

afterEach(() => vi.unstubAllEnvs());

describe("env", () => {
  it("gives the documented defaults when a variable is unset or empty", () => {
    vi.stubEnv("WORKER_CONCURRENCY", "");
    expect(env("WORKER_CONCURRENCY")).toBe(4);
    expect(env("STEP_TIMEOUT_MS")).toBe(15_000);
    expect(env("ONRAMP_INLINE_WORKER")).toBe(true);
    expect(env("SMTP_URL")).toBeUndefined();
  });

  it("parses what is set", () => {
    vi.stubEnv("WORKER_CONCURRENCY", " 8 ");
    vi.stubEnv("ONRAMP_TRUST_PROXY", "true");
    vi.stubEnv("SIMULATED_STEP_DELAY_MS", "0");
    expect(env("WORKER_CONCURRENCY")).toBe(8);
    expect(env("ONRAMP_TRUST_PROXY")).toBe(true);
    expect(env("SIMULATED_STEP_DELAY_MS")).toBe(0);
  });

  it("refuses a bad value with a message naming the variable and what it accepts — never NaN", () => {
    vi.stubEnv("WORKER_CONCURRENCY", "abc");
    expect(() => env("WORKER_CONCURRENCY")).toThrow(EnvError);
    expect(() => env("WORKER_CONCURRENCY")).toThrow(/WORKER_CONCURRENCY="abc" is not valid: expected a whole number/);
  });

  it("lists every bad variable at once", () => {
    const problems = envProblems({
      WORKER_CONCURRENCY: "abc",
      STEP_MAX_ATTEMPTS: "0",
      ONRAMP_TRUST_PROXY: "yes",
      LOG_LEVEL: "loud",
      SMTP_URL: "http://mail",
      DATABASE_URL: "mysql://x",
      PORT: "70000",
      STEP_TIMEOUT_MS: "15000",
    });
    expect(problems.map((p) => p.split("=")[0])).toEqual([
      "PORT",
      "WORKER_CONCURRENCY",
      "STEP_MAX_ATTEMPTS",
      "ONRAMP_TRUST_PROXY",
      "LOG_LEVEL",
      "DATABASE_URL",
      "SMTP_URL",
    ]);
    expect(problems.join("\n")).toMatch(/ONRAMP_TRUST_PROXY="yes" is not valid: expected true or false/);
    expect(problems.join("\n")).toMatch(/PORT="70000" is not valid: expected at most 65535/);
    expect(() => assertValidEnv({ WORKER_CONCURRENCY: "abc" })).toThrow(/Invalid environment/);
    expect(envProblems({ WORKER_CONCURRENCY: "2", LOG_LEVEL: "warn" })).toEqual([]);
  });
});
