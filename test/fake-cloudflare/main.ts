// Runs the fake Cloudflare API standalone, for Playwright e2e and for trying the product offline:
//
//   npx tsx test/fake-cloudflare/main.ts --port 4020 --seed demo [--deploy-polls 2] [--deploy-outcome success]
//
// `--seed demo` (the default; `--seed none` starts empty) creates account
// 0123456789abcdef0123456789abcdef with tokens
//   onramp-demo-cf-token            every permission the provider needs → all checks pass
//   onramp-demo-cf-no-pages-token   no "Cloudflare Pages" permission → cloudflare_missing_permission
//   onramp-demo-cf-disabled-token   disabled → cloudflare_token_inactive
// and names held by someone else for slug "taken" (D1 database, Worker, Pages project).
// A Cloudflare connection for it: apiBaseUrl = the printed URL, accountId as above.
// Controls for other processes: GET /_fake/state, POST /_fake/fail-next {pattern, status, code, retryAfter, times, delayMs},
// POST /_fake/deployment-behaviour {pollsInProgress, outcome}, POST /_fake/token {token, accounts, permissions, status}.
import { parseArgs } from "node:util";
import { DEMO_SEED, seedDemo, startFakeCloudflare } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4020" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "demo" },
    "deploy-polls": { type: "string", default: "2" },
    "deploy-outcome": { type: "string", default: "success" },
  },
});

if (values.seed !== "demo" && values.seed !== "none") {
  console.error(`--seed must be demo or none (got "${values.seed}")`);
  process.exit(2);
}
if (values["deploy-outcome"] !== "success" && values["deploy-outcome"] !== "failure") {
  console.error(`--deploy-outcome must be success or failure (got "${values["deploy-outcome"]}")`);
  process.exit(2);
}

// A function, not top-level await: tsx runs this package's .ts files as CommonJS.
async function main() {
  const fake = await startFakeCloudflare({ port: Number(values.port), host: values.host });
  fake.setDeploymentBehaviour({
    pollsInProgress: Number(values["deploy-polls"]),
    outcome: values["deploy-outcome"] as "success" | "failure",
  });
  if (values.seed === "demo") seedDemo(fake);
  console.log(`fake Cloudflare listening on ${fake.url}`);
  if (values.seed === "demo")
    console.log(
      JSON.stringify({ apiBaseUrl: fake.url, accountId: DEMO_SEED.accountId, tokens: DEMO_SEED.tokens }, null, 2),
    );
  const stop = async () => {
    await fake.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
