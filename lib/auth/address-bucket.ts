// The rate-limit key of a client address. One IPv6 client commonly holds a whole /64 and can
// send from any address in it, so IPv6 is limited per /64; an IPv4-mapped IPv6 address
// (`::ffff:1.2.3.4`, what a dual-stack socket reports for IPv4 clients) is its IPv4 address.
import ipaddr from "ipaddr.js";

export function addressBucket(address: string): string {
  const text = address.trim();
  if (!ipaddr.isValid(text)) return text.slice(0, 64) || "unknown";
  const ip = ipaddr.parse(text);
  if (ip.kind() === "ipv4") return ip.toString();
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${v6.toString()}/64`).toString()}/64`;
}
