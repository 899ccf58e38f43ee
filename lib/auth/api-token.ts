import "server-only";
// API tokens: random, shown once, stored only as a sha256 hash (they are high-entropy, so a
// fast hash is enough and lets every request look the token up by its hash).
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "onr_";

export function generateToken(): { token: string; prefix: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, prefix: token.slice(0, 12), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
