import { describe, expect, it } from "vitest";
import { providerLabel, resourceState, resourceTypeLabel, stepLabel, typedConfirmationMatches } from "./resources";

describe("typedConfirmationMatches", () => {
  it("enables only on the exact slug", () => {
    expect(typedConfirmationMatches("acme-prod", "acme-prod")).toBe(true);
    expect(typedConfirmationMatches("  acme-prod ", "acme-prod")).toBe(true);
  });

  it("stays disabled while typing, on a different case, or on another slug", () => {
    expect(typedConfirmationMatches("", "acme-prod")).toBe(false);
    expect(typedConfirmationMatches("acme-pro", "acme-prod")).toBe(false);
    expect(typedConfirmationMatches("Acme-Prod", "acme-prod")).toBe(false);
    expect(typedConfirmationMatches("acme-prod-2", "acme-prod")).toBe(false);
  });

  it("never confirms against an empty expectation", () => {
    expect(typedConfirmationMatches("", "")).toBe(false);
    expect(typedConfirmationMatches(" ", "")).toBe(false);
  });
});

describe("resourceState", () => {
  it("deleted wins over pre-existed; pre-existed is kept; the rest is live", () => {
    expect(resourceState({ preExisted: false, deletedAt: "2026-01-01T00:00:00.000Z" })).toBe("deleted");
    expect(resourceState({ preExisted: true, deletedAt: "2026-01-01T00:00:00.000Z" })).toBe("deleted");
    expect(resourceState({ preExisted: true, deletedAt: null })).toBe("kept");
    expect(resourceState({ preExisted: false, deletedAt: null })).toBe("live");
  });
});

describe("labels", () => {
  it("names the Cloudflare types and falls back to words for unknown ones", () => {
    expect(resourceTypeLabel("d1_database")).toBe("D1 database");
    expect(resourceTypeLabel("worker_secret")).toBe("Worker secret");
    expect(resourceTypeLabel("pages_project")).toBe("Pages project");
    expect(resourceTypeLabel("r2_bucket")).toBe("R2 bucket");
  });

  it("names providers and pipeline steps", () => {
    expect(providerLabel("cloudflare")).toBe("Cloudflare");
    expect(providerLabel("github")).toBe("GitHub");
    expect(providerLabel("other")).toBe("other");
    expect(stepLabel("provision_infra")).toBe("Provision infrastructure");
    expect(stepLabel("mystery_step")).toBe("mystery_step");
    expect(stepLabel(null)).toBeNull();
  });
});
