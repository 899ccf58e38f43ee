import "server-only";
// GitHub sign-in for operators who already exist. next-auth's GitHub profile carries one email
// and does not say whether GitHub verified it, so we ask GitHub for the user's emails with the
// sign-in's own access token (scope user:email) and let decideGithubSignIn choose.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { log, errorFields } from "@/lib/log/logger";
import { decideGithubSignIn, type GithubEmail } from "./decide-github-sign-in";

const emailsSchema = z
  .array(z.object({ email: z.string().max(320), verified: z.boolean(), primary: z.boolean().optional() }))
  .max(100);

export function githubApiUrl(): string {
  return (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
}

/** The user's emails as GitHub reports them; none when GitHub cannot be asked. */
export async function fetchGithubEmails(accessToken: string): Promise<GithubEmail[]> {
  try {
    const res = await fetch(`${githubApiUrl()}/user/emails`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: "application/vnd.github+json",
        "user-agent": "onramp",
      },
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      log.warn({ event: "github_signin.emails_failed", status: res.status }, "GitHub did not list the user's emails");
      return [];
    }
    const parsed = emailsSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : [];
  } catch (err) {
    log.warn({ event: "github_signin.emails_failed", ...errorFields(err) }, "GitHub did not list the user's emails");
    return [];
  }
}

export interface GithubSignInUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
}

/** The operator this GitHub account signs in as, or null (refused). Binds the id at first link. */
export async function resolveGithubSignIn(input: {
  githubId: string;
  accessToken: string | undefined;
}): Promise<GithubSignInUser | null> {
  const select = { id: true, email: true, name: true, githubId: true, sessionVersion: true } as const;
  const userByGithubId = await db().user.findUnique({ where: { githubId: input.githubId }, select });
  // An account already bound needs no email at all.
  const emails = userByGithubId || !input.accessToken ? [] : await fetchGithubEmails(input.accessToken);
  const wanted = emails.filter((e) => e.verified).map((e) => e.email.trim().toLowerCase());
  const usersByEmail = wanted.length ? await db().user.findMany({ where: { email: { in: wanted } }, select }) : [];
  const decision = decideGithubSignIn({ githubId: input.githubId, userByGithubId, emails, usersByEmail });
  if (!decision.allow) {
    log.info({ event: "github_signin.refused", reason: decision.reason }, "GitHub sign-in refused");
    return null;
  }
  const user = userByGithubId ?? usersByEmail.find((u) => u.id === decision.userId)!;
  if (decision.bindGithubId) {
    try {
      // Only while still unbound: two first sign-ins racing cannot both bind.
      const { count } = await db().user.updateMany({
        where: { id: user.id, githubId: null },
        data: { githubId: input.githubId },
      });
      if (count === 0) return null;
    } catch (err) {
      log.warn({ event: "github_signin.bind_failed", ...errorFields(err) }, "could not bind the GitHub id");
      return null;
    }
  }
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}
