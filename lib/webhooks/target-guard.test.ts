import { afterEach, describe, expect, it } from "vitest";
import { assertPublicTarget, isInternalAddress } from "./target-guard";

afterEach(() => {
  delete process.env.ONRAMP_WEBHOOK_ALLOW_PRIVATE;
});

describe("webhook target guard", () => {
  it("classifies internal addresses", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888"]) expect(isInternalAddress(a), a).toBe(false);
  });

  it("refuses internal targets when the guard is on, allows them when configured", async () => {
    process.env.ONRAMP_WEBHOOK_ALLOW_PRIVATE = "false";
    await expect(assertPublicTarget("http://169.254.169.254/latest/meta-data")).rejects.toThrow(/internal address/);
    await expect(assertPublicTarget("http://[::1]:8080/hook")).rejects.toThrow(/internal address/);
    await expect(assertPublicTarget("http://localhost:3000/hook")).rejects.toThrow(/internal address/);
    process.env.ONRAMP_WEBHOOK_ALLOW_PRIVATE = "true";
    await expect(assertPublicTarget("http://127.0.0.1:3000/hook")).resolves.toBeUndefined();
  });
});
