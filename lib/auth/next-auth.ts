import "server-only";
// next-auth (v4) configuration: email + password, JWT sessions, GitHub OAuth when configured.
// The JWT carries the user's session version (`sv`): a cookie whose version is older than the
// user's is signed out (lib/auth/actor.ts, lib/auth/current-user.ts). Sign-out bumps it.
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { z } from "zod";
import { clientAddress } from "@/lib/http/forwarded";
import { authenticatePassword, SignInThrottled } from "./authenticate-password";
import { resolveGithubSignIn } from "./github-sign-in";
import { sameOriginRedirect } from "./same-origin-redirect";
import { bumpSessionVersion } from "./session-version";

const credentialsSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

/** What sign-in decided, handed from authorize/signIn to the jwt callback on the same object. */
type SignedInUser = User & { sessionVersion?: number };

function headersOf(req: { headers?: Record<string, unknown> } | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req?.headers ?? {})) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return headers;
}

function providers(): NextAuthOptions["providers"] {
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        try {
          const user = await authenticatePassword({ ...parsed.data, address: clientAddress(headersOf(req)) });
          return user
            ? ({
                id: user.id,
                email: user.email,
                name: user.name,
                sessionVersion: user.sessionVersion,
              } satisfies SignedInUser)
            : null;
        } catch (err) {
          // next-auth shows a thrown message to the user (the sign-in form prints it).
          if (err instanceof SignInThrottled) throw new Error(err.message);
          throw err;
        }
      },
    }),
  ];
  if (process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET) {
    list.push(
      GitHubProvider({
        clientId: process.env.GITHUB_CLIENT_ID,
        clientSecret: process.env.GITHUB_CLIENT_SECRET,
        // user:email lets signIn read which emails GitHub has verified.
        authorization: { params: { scope: "read:user user:email" } },
      }),
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
      // GitHub sign-in only for operators who already exist: onboarding operators are created
      // by an admin, never by a stranger's OAuth login. See decide-github-sign-in.ts.
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const decided = await resolveGithubSignIn({
          githubId: account.providerAccountId,
          accessToken: account.access_token,
        });
        if (!decided) return false;
        // next-auth hands this same object to the jwt callback: the id decided here is the session's.
        const signedIn = user as SignedInUser;
        signedIn.id = decided.id;
        signedIn.email = decided.email;
        signedIn.name = decided.name;
        signedIn.sessionVersion = decided.sessionVersion;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const signedIn = user as SignedInUser;
          token.sub = signedIn.id;
          token.email = signedIn.email;
          token.sv = signedIn.sessionVersion;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        // Read by currentSessionUser() to check the session version; a number, nothing secret.
        if (typeof token.sv === "number") (session as { sv?: number }).sv = token.sv;
        return session;
      },
      async redirect({ url, baseUrl }) {
        return sameOriginRedirect(url, baseUrl);
      },
    },
    events: {
      // Ends this session and every other browser session of the user (the JWT stays valid
      // until it expires, so the version is what ends it).
      async signOut({ token }) {
        if (token?.sub) await bumpSessionVersion(token.sub);
      },
    },
  };
}
