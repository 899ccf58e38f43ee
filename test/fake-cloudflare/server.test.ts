// The fake itself: Cloudflare's envelope and error codes, the out-of-band controls other
// processes (Playwright) use, and the SDK upload encoding it refuses as the real API does.
import Cloudflare, { toFile } from "cloudflare";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_SEED, seedDemo, startFakeCloudflare, type FakeCloudflare } from "./server";

const fakes: FakeCloudflare[] = [];
afterAll(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function demo() {
  const fake = await startFakeCloudflare();
  fakes.push(fake);
  seedDemo(fake);
  const get = (p: string, token: string = DEMO_SEED.tokens.full) =>
    fetch(`${fake.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
  return { fake, get };
}

describe("fake Cloudflare", () => {
  it("answers in Cloudflare's envelope, with its codes for a bad token, a missing permission and an unknown account", async () => {
    const { get } = await demo();
    const ok = await get(`/accounts/${DEMO_SEED.accountId}/d1/database`);
    expect(await ok.json()).toMatchObject({
      success: true,
      errors: [],
      messages: [],
      result: [expect.objectContaining({ name: "onramp-taken-auth" })],
      result_info: { total_count: 1 },
    });

    const bad = await get("/user/tokens/verify", "nope");
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      success: false,
      errors: [{ code: 1000, message: "Invalid API Token" }],
      messages: [],
      result: null,
    });

    const noPages = await get(`/accounts/${DEMO_SEED.accountId}/pages/projects`, DEMO_SEED.tokens.noPages);
    expect(noPages.status).toBe(403);
    expect((await noPages.json()).errors[0].code).toBe(10000);

    const elsewhere = await get("/accounts/ffffffffffffffffffffffffffffffff");
    expect(elsewhere.status).toBe(403);
    expect((await elsewhere.json()).errors[0].code).toBe(9109);
  });

  it("merges a PATCH of a Pages project's environment variables key by key (null removes), as Cloudflare does", async () => {
    const { fake } = await demo();
    fake.addProject(DEMO_SEED.accountId, "merge-me", { envVars: { KEEP: "1", DROP: "2" } });
    const res = await fetch(`${fake.url}/accounts/${DEMO_SEED.accountId}/pages/projects/merge-me`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${DEMO_SEED.tokens.full}`, "content-type": "application/json" },
      body: JSON.stringify({
        deployment_configs: { production: { env_vars: { DROP: null, ADDED: { type: "plain_text", value: "3" } } } },
      }),
    });
    expect(res.status).toBe(200);
    const vars = (await res.json()).result.deployment_configs.production.env_vars;
    expect(Object.keys(vars).sort()).toEqual(["ADDED", "KEEP"]);
    expect(vars.ADDED).toMatchObject({ value: "3" });
  });

  it("takes faults and deployment behaviour over HTTP and reports its state", async () => {
    const { fake, get } = await demo();
    const control = (p: string, body: unknown) =>
      fetch(`${fake.origin}/_fake/${p}`, { method: "POST", body: JSON.stringify(body) });
    expect(
      (await control("fail-next", { pattern: "GET /user/tokens/verify", status: 429, retryAfter: 9 })).status,
    ).toBe(204);
    const limited = await get("/user/tokens/verify");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("9");
    expect((await limited.json()).errors[0].code).toBe(971);
    expect((await get("/user/tokens/verify")).status).toBe(200);

    expect((await control("deployment-behaviour", { pollsInProgress: 4 })).status).toBe(204);
    const state = await (await fetch(`${fake.origin}/_fake/state`)).json();
    expect(state.accounts[0].scripts).toEqual([{ id: "onramp-taken-auth", tags: ["team-billing"], secrets: [] }]);
  });

  it("refuses cloudflare@7's own scripts.update encoding, as the real API does (cloudflare/cloudflare-typescript#2799)", async () => {
    // If this starts passing, the SDK was fixed and auth-resources.ts can call scripts.update again.
    const { fake } = await demo();
    const sdk = new Cloudflare({ apiToken: DEMO_SEED.tokens.full, baseURL: fake.url, maxRetries: 0 });
    const file = await toFile(Buffer.from("export default {}"), "index.js", { type: "application/javascript+module" });
    const content = await sdk.workers.scripts.get("onramp-taken-auth", { account_id: DEMO_SEED.accountId });
    expect(String(content)).toContain("export default");
    const err = await sdk.workers.scripts
      .update("probe", { account_id: DEMO_SEED.accountId, metadata: { main_module: "index.js" }, files: [file] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, errors: [expect.objectContaining({ code: 10021 })] });
  });
});
