// Verify Access of a GitHub connection whose API URL points inside: with the guard on, no
// request (and so no token) reaches the internal receiver, the report says why with a reason
// code, and nothing the upstream answered appears in it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createGuardedFetch } from "@/lib/net/guarded-fetch";
import {
  INTERNAL_BODY,
  internalForms,
  PUBLIC_IN_TESTS,
  REDIRECT_BODY,
  startInternalReceiver,
  startRedirector,
  startServer,
  testPolicy,
  type TestServer,
} from "@/test/loopback-receiver";
import type { AccessCheck, ProviderContext } from "../types";
import { createGitHubProvider, type GitHubProviderConfig } from "./github-provider";

const TOKEN = "ghp_guardtest_s3cr3tvalue0000000000000";
let receiver: TestServer;
const servers: TestServer[] = [];

beforeAll(async () => {
  receiver = await startInternalReceiver();
  servers.push(receiver);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function provider(baseUrl: string, extra: Partial<GitHubProviderConfig> = {}) {
  return createGitHubProvider({
    token: TOKEN,
    org: "acme",
    templateOwner: "acme",
    templateRepo: "stack-template",
    baseUrl,
    requestTimeoutMs: 2000,
    retryBaseMs: 10,
    serverErrorRetries: 0,
    ...extra,
  });
}

function context(logs: string[]): ProviderContext {
  return {
    workspaceId: "ws_1",
    platformSlug: "acme-payments",
    platformName: "Acme Payments",
    tier: "starter",
    signal: new AbortController().signal,
    log: (m) => logs.push(m),
  };
}

function tokenCheck(checks: AccessCheck[]) {
  return checks.find((c) => c.key === "token_valid");
}

describe("GitHub Verify Access, guard on", () => {
  it.each(internalForms(0).map((_, i) => i))(
    "refuses internal API URL form #%i before sending the token",
    async (i) => {
      vi.stubEnv("ONRAMP_ALLOW_PRIVATE_TARGETS", "false");
      const baseUrl = internalForms(receiver.port)[i];
      const logs: string[] = [];
      const checks = await provider(baseUrl).verifyAccess(context(logs));
      expect(tokenCheck(checks), baseUrl).toMatchObject({ status: "fail", reasonCode: "target_address_refused" });
      expect(receiver.requests, baseUrl).toHaveLength(0);
      const shown = JSON.stringify({ checks, logs });
      expect(shown).not.toContain(INTERNAL_BODY);
      expect(shown).not.toContain(TOKEN);
    },
  );

  it("refuses a redirect to an internal address; neither response's body reaches the report", async () => {
    const redirector = await startRedirector(`${receiver.url}/user`);
    servers.push(redirector);
    const logs: string[] = [];
    const checks = await provider(redirector.url, {
      fetch: createGuardedFetch({ isAllowed: testPolicy }) as typeof fetch,
    }).verifyAccess(context(logs));
    expect(tokenCheck(checks)).toMatchObject({ status: "fail", reasonCode: "upstream_redirect_refused" });
    expect(checks.filter((c) => c.key !== "token_valid").every((c) => c.reasonCode === "github_check_skipped")).toBe(
      true,
    );
    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(0);
    const shown = JSON.stringify({ checks, logs });
    expect(shown).not.toContain(REDIRECT_BODY);
    expect(shown).not.toContain("internal-secret");
    expect(shown).not.toContain(TOKEN);
  });

  it("shows neither GitHub's error text nor an upstream body in the token check", async () => {
    // A "GitHub" that refuses GET /user with a body of its own: only the status may be shown.
    const upstream = await startServer(PUBLIC_IN_TESTS, (_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "UPSTREAM SAYS internal-secret-7f00" }));
    });
    servers.push(upstream);
    const checks = await provider(upstream.url, {
      fetch: createGuardedFetch({ isAllowed: testPolicy }) as typeof fetch,
    }).verifyAccess(context([]));
    expect(tokenCheck(checks)).toMatchObject({ status: "fail", reasonCode: "github_token_unsupported" });
    expect(tokenCheck(checks)?.message).toContain("403");
    expect(JSON.stringify(checks)).not.toContain("UPSTREAM SAYS");
  });

  it.each([401, 403, 404, 409, 422, 500])(
    "keeps GitHub's error text out of every error, check and log line (%i)",
    async (status) => {
      const MARK = "UPSTREAM-TEXT-d41d8";
      const upstream = await startServer(PUBLIC_IN_TESTS, (_req, res) => {
        res.writeHead(status, { "content-type": "application/json" });
        // "already exists", "not a template" and "No ref found" steer the provider's 422 branches.
        res.end(
          JSON.stringify({
            message: `already exists not a template No ref found ${MARK}`,
            errors: [{ message: MARK }, MARK],
          }),
        );
      });
      servers.push(upstream);
      const logs: string[] = [];
      const ctx = context(logs);
      const p = provider(upstream.url, { fetch: createGuardedFetch({ isAllowed: testPolicy }) as typeof fetch });
      const repo = {
        fullName: "acme/acme-payments",
        url: "https://example.test/acme/acme-payments",
        defaultBranch: "main",
        alreadyExisted: false,
      };
      const seen: unknown[] = [];
      const attempt = async (fn: () => Promise<unknown>) => {
        try {
          seen.push(await fn());
        } catch (err) {
          seen.push({
            message: (err as Error).message,
            remediation: (err as { remediation?: string }).remediation,
            json: JSON.stringify(err),
          });
        }
      };
      await attempt(() => p.verifyAccess(ctx));
      await attempt(() => p.createRepository(ctx));
      await attempt(() => p.deploy(ctx, repo));
      await attempt(() => p.verifyDeployment(ctx, repo, { deploymentId: "7", alreadyExisted: false }));
      await attempt(() => p.deleteRepository(ctx));
      expect(upstream.requests.length).toBeGreaterThan(0);
      expect(JSON.stringify({ seen, logs })).not.toContain(MARK);
    },
  );
});
