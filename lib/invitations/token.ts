import "server-only";
// Invitation tokens: 32 random bytes, shown once in the link, stored only as a sha256 hash
// (high-entropy, so a fast hash is enough and lets the link be looked up by its hash).
import { createHash, randomBytes } from "node:crypto";

export function generateInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
