import { afterEach, describe, expect, it } from "vitest";
import { metricsAccess } from "./metrics";

const TOKEN = "scrape-token-0123456789abcdef";

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

describe("metricsAccess", () => {
  it("keeps the endpoint off while METRICS_TOKEN is unset, whatever is sent", () => {
    expect(metricsAccess(null)).toBe("not_configured");
    expect(metricsAccess(`Bearer ${TOKEN}`)).toBe("not_configured");
  });

  it("lets in only the exact bearer token", () => {
    process.env.METRICS_TOKEN = TOKEN;
    expect(metricsAccess(`Bearer ${TOKEN}`)).toBe("allowed");
    expect(metricsAccess(`bearer ${TOKEN}`)).toBe("allowed");
    expect(metricsAccess(null)).toBe("unauthorized");
    expect(metricsAccess("Bearer ")).toBe("unauthorized");
    expect(metricsAccess(`Bearer ${TOKEN}x`)).toBe("unauthorized");
    expect(metricsAccess(`Basic ${TOKEN}`)).toBe("unauthorized");
  });

  it("refuses a METRICS_TOKEN too short to be a secret", () => {
    process.env.METRICS_TOKEN = "short";
    expect(() => metricsAccess(`Bearer short`)).toThrow(/METRICS_TOKEN/);
  });
});
