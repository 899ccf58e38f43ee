// GitHub sign-in against a local stand-in for GitHub's GET /user/emails (GITHUB_API_URL),
// through next-auth's signIn and jwt callbacks as a real OAuth callback runs them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { uniqueId } from "@/test/fixtures";
import { authOptions } from "./next-auth";

/** access token → the emails GitHub would list for it. */
const emailsByToken = new Map<string, { email: string; verified: boolean; primary: boolean }[]>();
const seenTokens: string[] = [];
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    seenTokens.push(token);
    const emails = emailsByToken.get(token);
    if (req.url !== "/user/emails" || !emails) {
      res
        .writeHead(req.url === "/user/emails" ? 401 : 404, { "content-type": "application/json" })
        .end('{"message":"Bad credentials"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(emails));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await new Promise((resolve) => server.close(resolve));
});

/** What next-auth does on /api/auth/callback/github: signIn, then (if allowed) jwt on the same user object. */
async function githubCallback(opts: {
  githubId: string;
  profileEmail: string;
  emails?: { email: string; verified: boolean; primary?: boolean }[];
}) {
  const accessToken = uniqueId("gho");
  if (opts.emails)
    emailsByToken.set(
      accessToken,
      opts.emails.map((e) => ({ primary: false, ...e })),
    );
  const { callbacks } = authOptions();
  // next-auth's GitHub profile(): id is the GitHub id, email whatever the profile says.
  const user = { id: opts.githubId, email: opts.profileEmail, name: "Someone" };
  const account = {
    provider: "github",
    type: "oauth" as const,
    providerAccountId: opts.githubId,
    access_token: accessToken,
  };
  const allowed = await callbacks!.signIn!({ user, account, profile: undefined } as never);
  if (allowed !== true) return { allowed, token: null };
  const token = await callbacks!.jwt!({
    token: { sub: user.id, email: user.email },
    user,
    account,
    trigger: "signIn",
  } as never);
  return { allowed, token };
}

const newUser = (data: { githubId?: string } = {}) =>
  db().user.create({ data: { email: `${uniqueId("gh")}@example.test`, ...data } });
const githubId = () => String(Math.floor(Math.random() * 1e9));

describe("GitHub sign-in", () => {
  it("links an existing operator by a verified email, binds the GitHub id and signs in as that operator", async () => {
    const operator = await newUser();
    const id = githubId();
    const { allowed, token } = await githubCallback({
      githubId: id,
      profileEmail: operator.email,
      emails: [{ email: operator.email.toUpperCase(), verified: true, primary: true }],
    });
    expect(allowed).toBe(true);
    // token.sub is our user id, not the GitHub id next-auth started from; sv is the operator's.
    expect(token).toMatchObject({ sub: operator.id, email: operator.email, sv: operator.sessionVersion });
    expect((await db().user.findUniqueOrThrow({ where: { id: operator.id } })).githubId).toBe(id);
  });

  it("refuses an unverified email even when the profile shows it (the takeover)", async () => {
    const operator = await newUser();
    const { allowed } = await githubCallback({
      githubId: githubId(),
      profileEmail: operator.email,
      emails: [
        { email: operator.email, verified: false, primary: true },
        { email: `${uniqueId("attacker")}@example.test`, verified: true },
      ],
    });
    expect(allowed).toBe(false);
    expect((await db().user.findUniqueOrThrow({ where: { id: operator.id } })).githubId).toBeNull();
  });

  it("refuses a second GitHub account with the same verified email once the first is bound", async () => {
    const boundId = githubId();
    const operator = await newUser({ githubId: boundId });
    const { allowed } = await githubCallback({
      githubId: githubId(),
      profileEmail: operator.email,
      emails: [{ email: operator.email, verified: true }],
    });
    expect(allowed).toBe(false);
    expect((await db().user.findUniqueOrThrow({ where: { id: operator.id } })).githubId).toBe(boundId);
  });

  it("signs the bound GitHub account in by its id, whatever its emails are now", async () => {
    const boundId = githubId();
    const operator = await newUser({ githubId: boundId });
    const { allowed, token } = await githubCallback({
      githubId: boundId,
      profileEmail: "changed@example.test",
      emails: [],
    });
    expect(allowed).toBe(true);
    expect(token).toMatchObject({ sub: operator.id, email: operator.email });
  });

  it("refuses when GitHub does not answer the emails request, and strangers without an account", async () => {
    const operator = await newUser();
    expect((await githubCallback({ githubId: githubId(), profileEmail: operator.email })).allowed).toBe(false); // 401 from "GitHub"
    expect(
      (
        await githubCallback({
          githubId: githubId(),
          profileEmail: "x@example.test",
          emails: [{ email: `${uniqueId("stranger")}@example.test`, verified: true }],
        })
      ).allowed,
    ).toBe(false);
    expect(seenTokens.every((t) => t.startsWith("gho-"))).toBe(true);
  });
});
