import { describe, expect, it } from "vitest";
import { signPayload, verifySignature } from "./sign";

describe("webhook signatures", () => {
  it("verifies its own signature and rejects tampering, other secrets and old timestamps", () => {
    const body = JSON.stringify({ event: "onboarding.completed" });
    const header = signPayload("whsec_a", body);
    expect(verifySignature("whsec_a", body, header)).toBe(true);
    expect(verifySignature("whsec_a", body + " ", header)).toBe(false);
    expect(verifySignature("whsec_b", body, header)).toBe(false);
    const old = signPayload("whsec_a", body, Math.floor(Date.now() / 1000) - 3600);
    expect(verifySignature("whsec_a", body, old)).toBe(false);
  });
});
