// Runs the fake GitHub standalone, for Playwright e2e and for trying the product offline:
//
//   npx tsx test/fake-github/main.ts --port 4010 --seed demo [--deploy-outcome success] [--deploy-delay-ms 3000]
//
// `--seed demo` (the default; `--seed none` starts empty) creates:
//   organization  onramp-demo — members may NOT create private repositories (owners can)
//   template      onramp-demo/stack-starter (is_template)      non-template: onramp-demo/legacy-app
//   foreign repo  onramp-demo/taken (so slug "taken" reports slug_taken)
//   tokens        onramp-demo-owner-token          demo-owner, org owner, scopes repo, workflow, delete_repo → all checks pass
//                 onramp-demo-member-token         demo-member, plain member → github_cannot_create_repo
//                 onramp-demo-missing-scope-token  demo-no-workflow, owner, scope repo only → github_token_missing_scope
//                 onramp-demo-fine-grained-token   demo-fine-grained, owner, no scopes header → github_scopes_unverifiable (warn)
//                 onramp-demo-pending-token        demo-invited, invitation pending → github_org_membership_pending
// A GitHub connection for it: baseUrl = the printed URL, org onramp-demo, template onramp-demo/stack-starter.
// Deployments report --deploy-outcome (success | failure | error | pending) --deploy-delay-ms after creation.
// Controls for other processes: GET /_fake/state, POST /_fake/fail-next {pattern, status | kind, times},
// POST /_fake/deployment-outcome {outcome, delayMs}.
import { parseArgs } from "node:util";
import { DEMO_SEED, seedDemo, startFakeGitHub, type DeploymentOutcome } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "demo" },
    "deploy-outcome": { type: "string", default: "success" },
    "deploy-delay-ms": { type: "string", default: "3000" },
  },
});

const outcome = values["deploy-outcome"] as DeploymentOutcome;
if (!["success", "failure", "error", "pending"].includes(outcome)) {
  console.error(`--deploy-outcome must be success, failure, error or pending (got "${outcome}")`);
  process.exit(2);
}
if (values.seed !== "demo" && values.seed !== "none") {
  console.error(`--seed must be demo or none (got "${values.seed}")`);
  process.exit(2);
}

// A function, not top-level await: tsx runs this package's .ts files as CommonJS.
async function main() {
  const fake = await startFakeGitHub({ port: Number(values.port), host: values.host });
  fake.setDeploymentOutcome(outcome, { delayMs: Number(values["deploy-delay-ms"]) });
  if (values.seed === "demo") seedDemo(fake);

  console.log(`fake GitHub listening on ${fake.url}`);
  if (values.seed === "demo") {
    console.log(
      JSON.stringify(
        {
          baseUrl: fake.url,
          org: DEMO_SEED.org,
          templateOwner: DEMO_SEED.template.owner,
          templateRepo: DEMO_SEED.template.repo,
          tokens: DEMO_SEED.tokens,
          deployments: { outcome, delayMs: Number(values["deploy-delay-ms"]) },
        },
        null,
        2,
      ),
    );
  }

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
