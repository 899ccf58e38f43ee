import { describe, expect, it } from "vitest";
import { addressBucket } from "./address-bucket";

describe("addressBucket", () => {
  it("is the IPv4 address, however it is spelt", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("::ffff:cb00:7109")).toBe("203.0.113.9");
  });

  it("is the /64 of an IPv6 address, so a client cannot rotate through its prefix", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:3::1")).not.toBe(addressBucket("2001:db8:1:2::1"));
  });

  it("keeps anything else as a bounded string", () => {
    expect(addressBucket("unknown")).toBe("unknown");
    expect(addressBucket("")).toBe("unknown");
    expect(addressBucket("x".repeat(200))).toHaveLength(64);
  });
});
