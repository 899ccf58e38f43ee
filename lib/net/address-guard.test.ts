import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyAddress, defaultAddressPolicy, guardEnabled, isInternalAddress } from "./address-guard";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The host part as fetch sees it: WHATWG URL parsing rewrites decimal, short and mapped forms. */
const hostOf = (authority: string) => new URL(`http://${authority}:8080/`).hostname;

describe("address classification", () => {
  it.each([
    // IPv4-mapped IPv6, as typed and as the URL parser rewrites it.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    [hostOf("[::ffff:127.0.0.1]"), "loopback"],
    [hostOf("[::ffff:a9fe:a9fe]"), "linkLocal"],
    ["::ffff:10.0.0.1", "private"],
    // Decimal and short IPv4 after URL parsing.
    [hostOf("2130706433"), "loopback"],
    [hostOf("127.1"), "loopback"],
    [hostOf("0x7f.1"), "loopback"],
    // NAT64 and site-local.
    ["64:ff9b::7f00:1", "rfc6052"],
    [hostOf("[64:ff9b::7f00:1]"), "rfc6052"],
    ["64:ff9b:1::a00:1", "rfc6052"],
    ["fec0::1", "deprecatedSiteLocal"],
    // IPv4 special ranges.
    ["0.0.0.0", "unspecified"],
    [hostOf("0.0.0.0"), "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["192.0.0.8", "reserved"],
    ["192.0.0.170", "reserved"],
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["198.18.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["203.0.113.9", "reserved"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    // IPv6 special ranges.
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fd00::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["fe80::1%eth0", "linkLocal"],
    ["ff02::1", "multicast"],
    ["::7f00:1", "IPv4-compatible"],
    ["2002:7f00:1::1", "6to4"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"],
    ["2001:db8::1", "reserved"],
    ["100::1", "discard"],
    // Not an address: never treated as a public one.
    ["localhost", "invalid"],
    ["", "invalid"],
  ])("%s is internal (%s)", (address, range) => {
    expect(classifyAddress(address)).toMatchObject({ internal: true, range });
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "192.0.1.1",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
  ])("%s is public", (address) => {
    expect(classifyAddress(address).internal).toBe(false);
  });

  it("unwraps IPv4-mapped IPv6 to the IPv4 address it names", () => {
    expect(classifyAddress("::ffff:7f00:1").address).toBe("127.0.0.1");
    expect(classifyAddress("::ffff:8.8.8.8").address).toBe("8.8.8.8");
  });
});

describe("guard setting", () => {
  it("is on in production and off elsewhere unless configured", () => {
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", undefined);
    vi.stubEnv("ONRAMP_WEBHOOK_ALLOW_PRIVATE", undefined);
    vi.stubEnv("NODE_ENV", "production");
    expect(guardEnabled()).toBe(true);
    expect(defaultAddressPolicy("127.0.0.1")).toBe(false);
    vi.stubEnv("NODE_ENV", "test");
    expect(guardEnabled()).toBe(false);
    expect(defaultAddressPolicy("127.0.0.1")).toBe(true);
    vi.stubEnv("ONRAMP_WEBHOOK_ALLOW_PRIVATE", "false");
    expect(guardEnabled()).toBe(true);
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "true");
    expect(guardEnabled()).toBe(false);
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "false");
    expect(defaultAddressPolicy("8.8.8.8")).toBe(true);
    expect(defaultAddressPolicy("::ffff:7f00:1")).toBe(false);
  });
});
