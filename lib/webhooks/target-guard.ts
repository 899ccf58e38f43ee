// Operator-supplied URLs the server calls — webhook targets and GitHub Enterprise base URLs:
// in production, refuse ones that resolve to loopback, private, link-local or otherwise
// internal addresses (SSRF). Development and tests use localhost, so the guard is on only in
// production unless ONRAMP_ALLOW_PRIVATE_TARGETS (or the older ONRAMP_WEBHOOK_ALLOW_PRIVATE)
// says otherwise. Checked when the call is made, so a DNS change after saving is caught too.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export function guardEnabled(): boolean {
  const setting = process.env.ONRAMP_ALLOW_PRIVATE_TARGETS ?? process.env.ONRAMP_WEBHOOK_ALLOW_PRIVATE;
  if (setting !== undefined) return setting !== "true";
  return process.env.NODE_ENV === "production";
}

export function isInternalAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split(".").map(Number);
    return (
      a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19)) || a >= 224
    );
  }
  const v6 = address.toLowerCase();
  return v6 === "::" || v6 === "::1" || v6.startsWith("fc") || v6.startsWith("fd") || v6.startsWith("fe80") || v6.startsWith("ff");
}

/** Throws when the URL's host resolves to an internal address and the guard is on. */
export async function assertPublicTarget(url: string): Promise<void> {
  if (!guardEnabled()) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const internal = addresses.find(isInternalAddress);
  if (internal) throw new Error(`target ${host} resolves to an internal address (${internal}); refused`);
}
