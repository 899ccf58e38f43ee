// Ids for rows written with raw SQL, in the shape of Prisma's `@default(cuid())`: "c", the time
// in base 36, then random base-36 characters — 25 lowercase letters and digits, so they pass the
// API's id check and sort roughly by creation like the ones Prisma makes.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function newId(): string {
  const time = Date.now().toString(36).padStart(9, "0").slice(-9);
  const bytes = randomBytes(15);
  let random = "";
  for (const b of bytes) random += ALPHABET[b % 36];
  return `c${time}${random}`;
}
