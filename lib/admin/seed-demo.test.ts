import { describe, expect, it } from "vitest";
import { demoSeedDecision } from "./seed-demo";

describe("demoSeedDecision", () => {
  it("seeds the demo owner only for the embedded database outside production", () => {
    expect(demoSeedDecision({})).toEqual({ seed: true });
    expect(demoSeedDecision({ NODE_ENV: "development" })).toEqual({ seed: true });
    expect(demoSeedDecision({ DATABASE_URL: "" })).toEqual({ seed: true });
  });

  it("never seeds with an external database or in production", () => {
    expect(demoSeedDecision({ DATABASE_URL: "postgres://db.example.com/onramp" })).toEqual({
      seed: false,
      reason: "DATABASE_URL is set",
    });
    expect(demoSeedDecision({ NODE_ENV: "production" })).toEqual({ seed: false, reason: "NODE_ENV=production" });
    expect(demoSeedDecision({ NODE_ENV: "production", DATABASE_URL: "postgres://x/y" }).seed).toBe(false);
  });
});
