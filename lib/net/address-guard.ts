// The one SSRF guard for addresses the server connects to on an operator's behalf (webhook
// targets, GitHub Enterprise and every provider API base URL): an address is "internal" unless
// it is global unicast. Every spelling is normalised by ipaddr.js first — IPv4-mapped IPv6 in
// either form (`::ffff:127.0.0.1`, `::ffff:7f00:1`), short and decimal IPv4 (`127.1`,
// `2130706433`) — so the range check never sees a form it does not recognise.
//
// Development and tests run providers and receivers on localhost, so the guard is on only in
// production unless ONRAMP_ALLOW_PRIVATE_TARGETS (or the older ONRAMP_WEBHOOK_ALLOW_PRIVATE)
// says otherwise. With the guard off the same code path runs; it just allows internal addresses.
import ipaddr from "ipaddr.js";

export function guardEnabled(): boolean {
  const setting = process.env.ONRAMP_ALLOW_PRIVATE_TARGETS ?? process.env.ONRAMP_WEBHOOK_ALLOW_PRIVATE;
  if (setting !== undefined) return setting !== "true";
  return process.env.NODE_ENV === "production";
}

/**
 * Ranges refused on top of everything ipaddr.js does not call "unicast". Most are already
 * special there; they are listed so the policy reads in one place and survives a library change.
 * NAT64 and 6to4/Teredo embed an IPv4 address a gateway may forward to, so they are refused whole.
 */
const EXTRA_INTERNAL: Record<"ipv4" | "ipv6", [string, string][]> = {
  ipv4: [
    ["0.0.0.0/8", "this network"],
    ["100.64.0.0/10", "carrier-grade NAT"],
    ["192.0.0.0/24", "IETF protocol assignments"],
    ["192.0.2.0/24", "documentation"],
    ["198.18.0.0/15", "benchmarking"],
    ["198.51.100.0/24", "documentation"],
    ["203.0.113.0/24", "documentation"],
    ["240.0.0.0/4", "reserved"],
  ],
  ipv6: [
    ["::/96", "IPv4-compatible"],
    ["64:ff9b::/96", "NAT64"],
    ["64:ff9b:1::/48", "local-use NAT64"],
    ["fec0::/10", "site-local"],
    ["2001::/32", "Teredo"],
    ["2001:db8::/32", "documentation"],
    ["2002::/16", "6to4"],
  ],
};

const PARSED_EXTRA = {
  ipv4: EXTRA_INTERNAL.ipv4.map(([cidr, name]) => [ipaddr.IPv4.parseCIDR(cidr), name] as const),
  ipv6: EXTRA_INTERNAL.ipv6.map(([cidr, name]) => [ipaddr.IPv6.parseCIDR(cidr), name] as const),
};

/** IPv6 global unicast is allocated from 2000::/3 only; anything outside it is not a public host. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

export interface AddressClass {
  /** The canonical form (IPv4-mapped IPv6 unwrapped to IPv4), or the input when it is not an address. */
  address: string;
  internal: boolean;
  /** Why it is internal, e.g. "loopback", "NAT64"; "unicast" when it is not. */
  range: string;
}

/** Parses an IP literal in any form ipaddr.js accepts, brackets allowed; null when it is not one. */
export function parseAddress(value: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  if (!ipaddr.isValid(bare)) return null;
  try {
    return ipaddr.process(bare);
  } catch {
    return null;
  }
}

export function classifyAddress(value: string): AddressClass {
  const parsed = parseAddress(value);
  // Not an address at all: never let it through as if it were a public one.
  if (!parsed) return { address: value, internal: true, range: "invalid" };
  const address = parsed.toString();
  const range = parsed.range();
  if (range !== "unicast") return { address, internal: true, range };
  if (parsed.kind() === "ipv4") {
    const v4 = parsed as ipaddr.IPv4;
    const extra = PARSED_EXTRA.ipv4.find(([cidr]) => v4.match(cidr));
    return extra ? { address, internal: true, range: extra[1] } : { address, internal: false, range };
  }
  const v6 = parsed as ipaddr.IPv6;
  const extra = PARSED_EXTRA.ipv6.find(([cidr]) => v6.match(cidr));
  if (extra) return { address, internal: true, range: extra[1] };
  if (!v6.match(GLOBAL_UNICAST_V6)) return { address, internal: true, range: "unallocated" };
  return { address, internal: false, range };
}

export function isInternalAddress(value: string): boolean {
  return classifyAddress(value).internal;
}

/** Decides whether a connection to an (already resolved) address may be made. */
export type AddressPolicy = (address: string) => boolean;

/** The production policy: internal addresses only while the guard is off. Read per call, so tests can flip it. */
export const defaultAddressPolicy: AddressPolicy = (address) => !guardEnabled() || !isInternalAddress(address);
