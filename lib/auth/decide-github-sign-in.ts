// Who a GitHub sign-in is, decided from what GitHub vouches for and what we already know.
// Pure, so every case is a unit test (decide-github-sign-in.test.ts); github-sign-in.ts does
// the fetching and the binding.

export interface GithubEmail {
  email: string;
  verified: boolean;
  primary?: boolean;
}

export interface KnownUser {
  id: string;
  email: string;
  githubId: string | null;
}

export type GithubSignInDecision =
  | { allow: true; userId: string; bindGithubId: boolean }
  | { allow: false; reason: "no_verified_email" | "no_account" | "github_id_mismatch" | "ambiguous" };

/**
 * 1. An account already bound to this GitHub id signs in, whatever the emails say.
 * 2. Otherwise an account is matched only by an email GitHub has *verified* for this GitHub
 *    user (an unverified address is anyone's to type), and only if it is not bound to another
 *    GitHub id; it is bound to this one at first link.
 * 3. Verified emails that match two different accounts match none.
 */
export function decideGithubSignIn(input: {
  githubId: string;
  userByGithubId: KnownUser | null;
  emails: GithubEmail[];
  /** Existing users whose email is one of `emails` (any case); extra rows are ignored. */
  usersByEmail: KnownUser[];
}): GithubSignInDecision {
  if (input.userByGithubId) return { allow: true, userId: input.userByGithubId.id, bindGithubId: false };
  const verified = new Set(input.emails.filter((e) => e.verified === true).map((e) => e.email.trim().toLowerCase()));
  if (verified.size === 0) return { allow: false, reason: "no_verified_email" };
  const matches = new Map(input.usersByEmail.filter((u) => verified.has(u.email.toLowerCase())).map((u) => [u.id, u]));
  if (matches.size === 0) return { allow: false, reason: "no_account" };
  if (matches.size > 1) return { allow: false, reason: "ambiguous" };
  const [user] = matches.values();
  if (user.githubId !== null && user.githubId !== input.githubId) return { allow: false, reason: "github_id_mismatch" };
  return { allow: true, userId: user.id, bindGithubId: user.githubId === null };
}
