import "server-only";
// Who is calling: a browser session (next-auth JWT cookie) or an API token (Bearer).
// Memberships are read from the database on every request so a role change applies at once.
import { getToken, type JWT } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { sqlRead } from "@/lib/db/sql";
import { ApiError, notFound } from "@/lib/api/errors";
import { can, roleAtMost, type Capability, type Role } from "./capabilities";
import { hashToken, TOKEN_PREFIX } from "./api-token";
import { authSecret } from "./secret";
import { jwtSessionVersion } from "./session-version";
import type { AuditActor } from "@/lib/audit/record-audit";

export interface ActorMembership {
  workspaceId: string;
  workspaceSlug: string;
  workspaceName: string;
  role: Role;
}

export interface Actor {
  userId: string;
  email: string;
  via: "session" | "token";
  tokenId?: string;
  memberships: ActorMembership[];
}

const LAST_USED_RESOLUTION_MS = 60_000;

interface TokenRow {
  id: string;
  userId: string;
  workspaceId: string;
  tokenRole: Role;
  memberRole: Role;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  email: string;
  workspaceSlug: string;
  workspaceName: string;
}

async function actorFromToken(token: string): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  // One round trip for token, user, workspace and membership: every API call pays for it
  // (BENCHMARKS.md: four Prisma queries here were a third of a GET's CPU).
  // Through plain pg (lib/db/sql.ts): Prisma's layer was most of this read's CPU.
  const rows = await sqlRead<TokenRow>(
    `SELECT t."id", t."userId", t."workspaceId", t."role"::text AS "tokenRole", m."role"::text AS "memberRole",
            t."revokedAt", t."expiresAt", t."lastUsedAt", u."email", w."slug" AS "workspaceSlug", w."name" AS "workspaceName"
     FROM "ApiToken" t
     JOIN "User" u ON u."id" = t."userId"
     JOIN "Workspace" w ON w."id" = t."workspaceId"
     JOIN "Membership" m ON m."workspaceId" = t."workspaceId" AND m."userId" = t."userId"
     WHERE t."tokenHash" = $1`,
    [hashToken(token)],
  );
  const record = rows[0];
  // No membership (removed from the workspace) → no row: the token no longer works.
  if (!record || record.revokedAt || (record.expiresAt && record.expiresAt < new Date())) return null;
  // Bounded write amplification: record use at most once a minute per token.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return {
    userId: record.userId,
    email: record.email,
    via: "token",
    tokenId: record.id,
    memberships: [
      {
        workspaceId: record.workspaceId,
        workspaceSlug: record.workspaceSlug,
        workspaceName: record.workspaceName,
        role: roleAtMost(record.tokenRole, record.memberRole),
      },
    ],
  };
}

interface UserMembershipRow {
  id: string;
  email: string;
  sessionVersion: number;
  workspaceId: string | null;
  workspaceSlug: string | null;
  workspaceName: string | null;
  role: Role | null;
}

/**
 * The user and every membership, in one statement (the wizard's 5 s poll pays for this).
 * With `sessionVersion` (a browser session's), null unless it is still the user's: a session
 * ended by sign-out, a password change or a removal no longer resolves.
 */
export async function actorForUser(userId: string, via: Actor["via"], sessionVersion?: number): Promise<Actor | null> {
  const rows = await sqlRead<UserMembershipRow>(
    `SELECT u."id", u."email", u."sessionVersion", m."workspaceId", w."slug" AS "workspaceSlug", w."name" AS "workspaceName", m."role"::text AS "role"
     FROM "User" u
     LEFT JOIN "Membership" m ON m."userId" = u."id"
     LEFT JOIN "Workspace" w ON w."id" = m."workspaceId"
     WHERE u."id" = $1
     ORDER BY m."createdAt" ASC NULLS LAST, m."id" ASC`,
    [userId],
  );
  if (rows.length === 0) return null;
  if (sessionVersion !== undefined && rows[0].sessionVersion !== sessionVersion) return null;
  return {
    userId: rows[0].id,
    email: rows[0].email,
    via,
    memberships: rows
      .filter((r) => r.workspaceId !== null)
      .map((r) => ({
        workspaceId: r.workspaceId!,
        workspaceSlug: r.workspaceSlug!,
        workspaceName: r.workspaceName!,
        role: r.role!,
      })),
  };
}

export async function resolveActor(req: NextRequest): Promise<Actor | null> {
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match ? actorFromToken(match[1]) : null;
  }
  const jwt = await sessionClaims(req);
  if (!jwt?.sub) return null;
  return actorForUser(jwt.sub, "session", jwtSessionVersion(jwt));
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
const CLAIMS_CACHE_MAX = 10_000;
const CLAIMS_CACHE_MS = 5 * 60_000;
type Claims = JWT;
const claimsCache = new Map<string, { claims: Claims; until: number }>();

/**
 * The session cookie's JWT claims. Decrypting it (HKDF + JWE) is ≈ 0.2 ms of CPU, paid by
 * every poll of every tab: the claims of a cookie value are remembered for a few minutes
 * (never past the JWT's own expiry). The same string always decrypts to the same claims, and
 * whether the session still counts is decided on every request by its sessionVersion.
 */
async function sessionClaims(req: NextRequest): Promise<Claims | null> {
  const raw = SESSION_COOKIES.map((name) => req.cookies.get(name)?.value).find(Boolean);
  // No single cookie (chunked, or none): next-auth reads it its own way.
  if (!raw) return getToken({ req, secret: authSecret() });
  const now = Date.now();
  const hit = claimsCache.get(raw);
  if (hit && hit.until > now) return hit.claims;
  const claims = await getToken({ req, secret: authSecret() });
  if (!claims) return null;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : now + CLAIMS_CACHE_MS;
  if (claimsCache.size >= CLAIMS_CACHE_MAX) claimsCache.delete(claimsCache.keys().next().value!);
  claimsCache.set(raw, { claims, until: Math.min(exp, now + CLAIMS_CACHE_MS) });
  return claims;
}

export function membershipFor(actor: Actor, workspaceId: string): ActorMembership | undefined {
  return actor.memberships.find((m) => m.workspaceId === workspaceId);
}

/**
 * Deny-as-not-found: a record in a workspace the caller is not a member of is reported as
 * missing; a member without the capability gets 403.
 */
export function authorize(
  actor: Actor,
  workspaceId: string,
  capability: Capability,
  what = "Resource",
): ActorMembership {
  const membership = membershipFor(actor, workspaceId);
  if (!membership) throw notFound(what);
  if (!can(membership.role, capability)) {
    throw new ApiError(
      "forbidden",
      `Your role (${membership.role}) does not allow "${capability}" in this workspace.`,
      {
        extra: { capability, role: membership.role },
      },
    );
  }
  return membership;
}

/**
 * The workspace a collection request acts in: `X-Onramp-Workspace` (slug or id) or the
 * `workspace` query parameter, else the caller's first workspace.
 */
export function selectWorkspace(actor: Actor, req: NextRequest): ActorMembership {
  const wanted = req.headers.get("x-onramp-workspace") ?? req.nextUrl.searchParams.get("workspace");
  const membership = wanted
    ? actor.memberships.find((m) => m.workspaceId === wanted || m.workspaceSlug === wanted)
    : actor.memberships[0];
  if (!membership) throw notFound("Workspace");
  return membership;
}

export function actorLabel(actor: Actor): string {
  return actor.via === "token" ? `${actor.email} (API token)` : actor.email;
}

/** The audit trail's view of the caller. */
export function auditActor(actor: Actor): AuditActor {
  return { userId: actor.userId, tokenId: actor.tokenId ?? null, label: actorLabel(actor) };
}
