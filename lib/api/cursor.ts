import { ApiError } from "./errors";

// A cursor is client input: a date outside what we ever write (PostgreSQL refuses year ≤ 0 and
// Prisma fails on years past 9999) must be refused here, not reach the query.
const MIN_CURSOR_MS = Date.UTC(1970, 0, 1);
const MAX_CURSOR_MS = Date.UTC(10000, 0, 1) - 1;

/** Opaque keyset cursor over (createdAt desc, id desc). */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error("bad");
    const [c, id] = parsed as unknown[];
    if (
      typeof c !== "string" ||
      typeof id !== "string" ||
      id.length === 0 ||
      id.length > 64 ||
      !/^[A-Za-z0-9_-]+$/.test(id)
    )
      throw new Error("bad");
    const createdAt = new Date(c);
    const ms = createdAt.getTime();
    if (Number.isNaN(ms) || ms < MIN_CURSOR_MS || ms > MAX_CURSOR_MS) throw new Error("bad");
    return { createdAt, id };
  } catch {
    throw new ApiError("validation_failed", "The cursor is not valid; use nextCursor from a previous page.", {
      fields: [{ field: "cursor", message: "Invalid cursor" }],
    });
  }
}

export function keysetWhere(cursor: string | undefined) {
  if (!cursor) return {};
  const { createdAt, id } = decodeCursor(cursor);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}
