import "server-only";
// next-auth (v4) configuration: email + password, JWT sessions, GitHub OAuth when configured.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { verifyPassword } from "./password";
import { consumeRateLimit } from "@/lib/api/rate-limit";

const credentialsSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

function providers(): NextAuthOptions["providers"] {
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const email = parsed.data.email.toLowerCase();
        const limit = await consumeRateLimit(`signin:${email}`, Number(process.env.RATE_LIMIT_SIGNIN_PER_MINUTE ?? 10));
        if (!limit.allowed) throw new Error("Too many sign-in attempts. Wait a minute and try again.");
        const user = await db().user.findUnique({ where: { email } });
        if (!user || !(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
        return { id: user.id, email: user.email, name: user.name ?? user.email };
      },
    }),
  ];
  if (process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET) {
    list.push(
      GitHubProvider({ clientId: process.env.GITHUB_CLIENT_ID, clientSecret: process.env.GITHUB_CLIENT_SECRET }),
    );
  }
  return list;
}

export function authOptions(): NextAuthOptions {
  return {
    providers: providers(),
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/sign-in" },
    callbacks: {
      // GitHub sign-in only for operators who already exist (matched by verified email):
      // onboarding operators are created by an admin, never by a stranger's OAuth login.
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        if (!user.email) return false;
        const existing = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
        if (!existing) return false;
        if (!existing.githubId) await db().user.update({ where: { id: existing.id }, data: { githubId: account.providerAccountId } });
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "github" && user.email) {
          const existing = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (existing) token.sub = existing.id;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
