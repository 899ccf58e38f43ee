import "server-only";
// Password hashing with scrypt (a memory-hard KDF from node:crypto; no native add-on needed).
// Stored as `scrypt$N$r$p$salt$key`: verification reads the cost from the hash itself, so
// raising PARAMS never locks anyone out — the next successful sign-in rehashes (needsRehash).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** OWASP's scrypt minimum (N=2^17, r=8, p=1): ~128 MiB and ~0.3–0.5 s per hash here. */
export const PASSWORD_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEYLEN = 32;
// scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) refuses N=2^17.
const MAX_MEM = 256 * 1024 * 1024;
// Never let a stored hash (ours, but still data) ask for more than we are prepared to spend.
const MAX_N = 2 ** 20;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const [scheme, n, r, p, saltText, keyText, extra] = stored.split("$");
  if (scheme !== "scrypt" || !saltText || !keyText || extra !== undefined) return null;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return null;
  if (!Number.isInteger(R) || R < 1 || R > 32 || !Number.isInteger(P) || P < 1 || P > 16) return null;
  if (128 * N * R > MAX_MEM) return null;
  const key = Buffer.from(keyText, "base64url");
  if (key.length < 16) return null;
  return { N, r: R, p: P, salt: Buffer.from(saltText, "base64url"), key };
}

function format(params: { N: number; r: number; p: number }, salt: Buffer, key: Buffer): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...PASSWORD_PARAMS, maxmem: MAX_MEM });
  return format(PASSWORD_PARAMS, salt, key);
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parseHash(stored) : null;
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: MAX_MEM,
  });
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a (verified) stored hash was made with other parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.N !== PASSWORD_PARAMS.N ||
    parsed.r !== PASSWORD_PARAMS.r ||
    parsed.p !== PASSWORD_PARAMS.p ||
    parsed.key.length !== KEYLEN
  );
}

/**
 * A hash with today's parameters that no password matches (its key is random): verifying
 * against it costs what verifying a real hash costs, so "no such user" answers as slowly as
 * "wrong password" and timing does not tell which emails have accounts.
 */
export const DUMMY_PASSWORD_HASH = format(PASSWORD_PARAMS, randomBytes(16), randomBytes(KEYLEN));
