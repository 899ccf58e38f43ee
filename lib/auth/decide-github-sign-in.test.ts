import { describe, expect, it } from "vitest";
import { decideGithubSignIn, type KnownUser } from "./decide-github-sign-in";

const alice: KnownUser = { id: "u-alice", email: "alice@example.test", githubId: null };
const bound: KnownUser = { id: "u-bound", email: "bound@example.test", githubId: "111" };

describe("decideGithubSignIn", () => {
  it("lets the account bound to this GitHub id in, whatever the emails say", () => {
    expect(decideGithubSignIn({ githubId: "111", userByGithubId: bound, emails: [], usersByEmail: [] })).toEqual({
      allow: true,
      userId: "u-bound",
      bindGithubId: false,
    });
    // Even if a verified email points at somebody else.
    expect(
      decideGithubSignIn({
        githubId: "111",
        userByGithubId: bound,
        emails: [{ email: alice.email, verified: true }],
        usersByEmail: [alice],
      }),
    ).toMatchObject({ allow: true, userId: "u-bound" });
  });

  it("links an unbound account by a verified email and binds the GitHub id", () => {
    expect(
      decideGithubSignIn({
        githubId: "222",
        userByGithubId: null,
        emails: [{ email: "Alice@Example.test", verified: true, primary: true }],
        usersByEmail: [alice],
      }),
    ).toEqual({ allow: true, userId: "u-alice", bindGithubId: true });
  });

  it("refuses an email GitHub has not verified (the takeover in the issue)", () => {
    expect(
      decideGithubSignIn({
        githubId: "222",
        userByGithubId: null,
        emails: [{ email: alice.email, verified: false, primary: true }],
        usersByEmail: [alice],
      }),
    ).toEqual({
      allow: false,
      reason: "no_verified_email",
    });
    // A verified email of the GitHub user does not make an unverified one usable.
    expect(
      decideGithubSignIn({
        githubId: "222",
        userByGithubId: null,
        emails: [
          { email: "mine@example.test", verified: true },
          { email: alice.email, verified: false },
        ],
        usersByEmail: [alice],
      }),
    ).toEqual({ allow: false, reason: "no_account" });
  });

  it("refuses an account already bound to another GitHub id", () => {
    expect(
      decideGithubSignIn({
        githubId: "999",
        userByGithubId: null,
        emails: [{ email: bound.email, verified: true }],
        usersByEmail: [bound],
      }),
    ).toEqual({
      allow: false,
      reason: "github_id_mismatch",
    });
  });

  it("refuses when no account has a verified email", () => {
    expect(
      decideGithubSignIn({
        githubId: "222",
        userByGithubId: null,
        emails: [{ email: "nobody@example.test", verified: true }],
        usersByEmail: [],
      }),
    ).toEqual({
      allow: false,
      reason: "no_account",
    });
  });

  it("refuses when verified emails match two different accounts", () => {
    const bob: KnownUser = { id: "u-bob", email: "bob@example.test", githubId: null };
    expect(
      decideGithubSignIn({
        githubId: "222",
        userByGithubId: null,
        emails: [
          { email: alice.email, verified: true },
          { email: bob.email, verified: true },
        ],
        usersByEmail: [alice, bob],
      }),
    ).toEqual({ allow: false, reason: "ambiguous" });
  });

  it("does not rebind an account already bound to the same id that was not found by id", () => {
    const same: KnownUser = { ...bound, githubId: "333" };
    expect(
      decideGithubSignIn({
        githubId: "333",
        userByGithubId: null,
        emails: [{ email: same.email, verified: true }],
        usersByEmail: [same],
      }),
    ).toEqual({
      allow: true,
      userId: "u-bound",
      bindGithubId: false,
    });
  });
});
