// Fixtures for integration tests: workspaces, members and API tokens created directly with
// Prisma, and a caller for route handlers that returns the parsed response.
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { db } from "@/lib/db/client";
import { generateToken } from "@/lib/auth/api-token";
import type { Role } from "@/lib/auth/capabilities";
import type { ApiToken, Membership, User, Workspace } from "@/lib/generated/prisma/client";

// Fixed per process so that encrypted values and session cookies stay readable across tests.
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.ONRAMP_ENCRYPTION_KEY ??= randomBytes(32).toString("hex");

/** Unique per call and per run, so tests sharing one database never collide. */
export const uniqueId = (prefix = "t") => `${prefix}-${randomBytes(5).toString("hex")}`;

export interface Member {
  workspace: Workspace;
  user: User;
  membership: Membership;
  /** A bearer token of `role` for this user in this workspace. */
  token: string;
  tokenRecord: ApiToken;
}

/**
 * A new user with `role` and an API token of that role. In a new workspace, or in
 * `workspaceId` when given (to put several members in one workspace).
 */
export async function createWorkspaceWithMember(
  role: Role = "owner",
  workspaceId?: string,
  opts: { email?: string; name?: string } = {},
): Promise<Member> {
  const id = uniqueId("ws");
  const workspace = workspaceId
    ? await db().workspace.findUniqueOrThrow({ where: { id: workspaceId } })
    : await db().workspace.create({ data: { slug: id, name: `Workspace ${id}` } });
  const user = await db().user.create({
    data: { email: opts.email ?? `${uniqueId(role)}@example.test`, name: opts.name ?? `Test ${role}` },
  });
  const membership = await db().membership.create({ data: { workspaceId: workspace.id, userId: user.id, role } });
  const { token, tokenRecord } = await createApiToken(user.id, workspace.id, role);
  return { workspace, user, membership, token, tokenRecord };
}

/** Another API token for an existing member (e.g. one with a lower role, or to revoke). */
export async function createApiToken(
  userId: string,
  workspaceId: string,
  role: Role,
  opts: { name?: string; expiresAt?: Date | null; revokedAt?: Date | null } = {},
): Promise<{ token: string; tokenRecord: ApiToken }> {
  const { token, prefix, hash } = generateToken();
  const tokenRecord = await db().apiToken.create({
    data: {
      workspaceId,
      userId,
      name: opts.name ?? "test",
      role,
      prefix,
      tokenHash: hash,
      expiresAt: opts.expiresAt ?? null,
      revokedAt: opts.revokedAt ?? null,
    },
  });
  return { token, tokenRecord };
}

/** A next-auth session cookie value for the user (the browser's way in, as opposed to a token). */
export async function sessionCookie(user: Pick<User, "id" | "email">): Promise<string> {
  const jwt = await encode({ token: { sub: user.id, email: user.email }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${jwt}`;
}

export type RouteHandler = (
  req: NextRequest,
  ctx: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

export interface CallOptions {
  method?: string;
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Signs in as this user with a session cookie instead, from the same origin (passes CSRF). */
  session?: Pick<User, "id" | "email">;
  /** An object is sent as JSON; a string is sent as is (set content-type in `headers`). */
  body?: unknown;
  params?: Record<string, string | string[]>;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON (problem+json too), the text of another body, or null when there is none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
  body: any;
}

/** Calls a route handler the way Next.js does and reads the whole response. */
export async function callRoute(handler: RouteHandler, opts: CallOptions): Promise<CallResult> {
  const url = new URL(opts.url);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.session) {
    headers.cookie = await sessionCookie(opts.session);
    headers.host = url.host;
    headers.origin = url.origin;
  }
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    if (typeof opts.body !== "string") headers["content-type"] = "application/json";
  }
  Object.assign(headers, opts.headers);
  const req = new NextRequest(url, { method: opts.method ?? "GET", headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  let parsed: unknown = text === "" ? null : text;
  if (text !== "" && /[/+]json\b/.test(type)) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}
