import "server-only";
// Operator and automation administration: users, workspaces, memberships and API tokens.
// Used by the admin CLI (`npm run admin`) and the first-run demo seed.
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { generateToken } from "@/lib/auth/api-token";
import { ROLES, type Role } from "@/lib/auth/capabilities";
import { recordAudit } from "@/lib/audit/record-audit";
import { revokeTokenTree } from "@/lib/auth/revoke-token-tree";

export class AdminError extends Error {}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function assertRole(role: string | undefined): Role {
  if (!role || !(ROLES as readonly string[]).includes(role))
    throw new AdminError(`--role must be one of ${ROLES.join(", ")}`);
  return role as Role;
}

function assertEmail(email: string | undefined): string {
  if (!email || !EMAIL.test(email) || email.length > 320) throw new AdminError("--email must be an email address");
  return email.toLowerCase();
}

function assertSlug(slug: string | undefined): string {
  if (!slug || !SLUG.test(slug))
    throw new AdminError("--workspace must be a slug: lowercase letters, digits and hyphens (1–40)");
  return slug;
}

export async function ensureWorkspace(slug: string, name?: string) {
  assertSlug(slug);
  return db().workspace.upsert({ where: { slug }, update: {}, create: { slug, name: name ?? slug } });
}

/**
 * Creates the user, workspace and membership that are missing; idempotent. An existing user's
 * password is changed only when one is given, and that ends the user's browser sessions (a
 * new password is how an operator locks out whoever learnt the old one); an existing
 * membership takes the given role.
 */
export async function createUser(opts: {
  email?: string;
  password?: string;
  workspace?: string;
  role?: string;
  name?: string;
}) {
  const email = assertEmail(opts.email);
  const role = assertRole(opts.role);
  const slug = assertSlug(opts.workspace);
  if (opts.password !== undefined && opts.password.length < 8)
    throw new AdminError("--password must be at least 8 characters");
  const workspace = await ensureWorkspace(slug);
  const passwordHash = opts.password ? await hashPassword(opts.password) : undefined;
  const user = await db().user.upsert({
    where: { email },
    update: passwordHash ? { passwordHash, sessionVersion: { increment: 1 } } : {},
    create: { email, name: opts.name ?? null, passwordHash: passwordHash ?? null },
  });
  const membership = await db().$transaction(async (tx) => {
    const m = await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
      update: { role },
      create: { workspaceId: workspace.id, userId: user.id, role },
    });
    await recordAudit(
      tx,
      { label: "admin-cli" },
      {
        workspaceId: workspace.id,
        action: "member.upserted",
        targetType: "membership",
        targetId: m.id,
        data: { email, role },
      },
    );
    return m;
  });
  return { user, workspace, membership };
}

/** Creates what is missing (user without password, workspace, membership) and a new token. */
export async function createToken(opts: {
  email?: string;
  workspace?: string;
  role?: string;
  name?: string;
  expiresInDays?: number;
}) {
  const { user, workspace, membership } = await createUserIfMissing(opts);
  const { token, prefix, hash } = generateToken();
  const record = await db().$transaction(async (tx) => {
    const t = await tx.apiToken.create({
      data: {
        workspaceId: workspace.id,
        userId: user.id,
        name: opts.name ?? "admin-cli",
        role: membership.role,
        prefix,
        tokenHash: hash,
        expiresAt: opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86_400_000) : null,
      },
    });
    await recordAudit(
      tx,
      { label: "admin-cli" },
      {
        workspaceId: workspace.id,
        action: "api_token.created",
        targetType: "api_token",
        targetId: t.id,
        data: { prefix, role: membership.role },
      },
    );
    return t;
  });
  return { token, record };
}

async function createUserIfMissing(opts: { email?: string; workspace?: string; role?: string }) {
  const email = assertEmail(opts.email);
  const role = assertRole(opts.role);
  const slug = assertSlug(opts.workspace);
  const workspace = await ensureWorkspace(slug);
  const user = await db().user.upsert({ where: { email }, update: {}, create: { email } });
  const membership = await db().membership.upsert({
    where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
    update: { role },
    create: { workspaceId: workspace.id, userId: user.id, role },
  });
  return { user, workspace, membership };
}

/** Revokes by token id or by token prefix ("onr_xxxxxxxx"), with the tokens created through it. Idempotent. */
export async function revokeToken(opts: { id?: string; prefix?: string }) {
  if (!opts.id && !opts.prefix) throw new AdminError("token revoke needs --id or --prefix");
  const tokens = await db().apiToken.findMany({ where: opts.id ? { id: opts.id } : { prefix: opts.prefix } });
  if (tokens.length === 0) throw new AdminError("No such token");
  if (tokens.length > 1) throw new AdminError("That prefix matches several tokens; use --id");
  const t = tokens[0];
  const revoked = await db().$transaction((tx) => revokeTokenTree(tx, { label: "admin-cli" }, t.id));
  const token = await db().apiToken.findUniqueOrThrow({ where: { id: t.id } });
  return { ...token, descendantsRevoked: revoked.filter((r) => r.id !== t.id).length };
}

export async function listWorkspaces() {
  const rows = await db().workspace.findMany({
    orderBy: { createdAt: "asc" },
    include: { _count: { select: { memberships: true, sessions: true } } },
  });
  return rows.map((w) => ({
    slug: w.slug,
    name: w.name,
    members: w._count.memberships,
    onboardings: w._count.sessions,
    createdAt: w.createdAt.toISOString(),
  }));
}
