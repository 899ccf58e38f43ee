import "server-only";
// What each step of each run kind does. Every step is idempotent: run twice (after a crash or
// a resume) it finds its resource and succeeds without creating it again.
import { db } from "@/lib/db/client";
import { heldRunSql, leaseLost, type Lease } from "./lease";
import { platformSetClause, type PlatformChange, type StagedPlatformChange } from "./platform-change";
import { sqlRead, sqlWrite, utcTimestamp } from "@/lib/db/sql";
import { Prisma } from "@/lib/generated/prisma/client";
import type { OnboardingSession, OperationRun, OperationRunStep, Platform } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { newId } from "@/lib/db/ids";
import type { SessionProviders } from "@/lib/providers/resolve-providers";
import { ProviderError, type DeploymentInfo, type ProviderContext, type RepositoryInfo } from "@/lib/providers/types";
import type { RunKind } from "./definitions";
import { liveLedger, recordResource, recorderFor, type LedgerScope } from "@/lib/resources/record-resource";
import { workerSecretsFor } from "@/lib/resources/worker-secrets";
import { deleteFromLedger } from "@/lib/resources/deprovision-resources";
import { starterBundle } from "@/lib/providers/cloudflare/starter-bundle";
import { recheckStep } from "@/lib/verification/recheck-access";

const PLATFORM_COLUMNS = columnList(Prisma.PlatformScalarFieldEnum);

export interface StepContext {
  run: OperationRun;
  session: OnboardingSession;
  step: OperationRunStep;
  providers: SessionProviders;
  ctx: ProviderContext;
  /** The lease this attempt runs under: the step's own writes are fenced with it. */
  lease: Lease;
  /** What the steps of one job keep between them (a new job, after a handover or a crash, starts empty). */
  job: JobCopy;
}

/**
 * The platform row as this job last wrote or read it. While the lease is ours, only this run's
 * steps write the platform (activation comes after the bootstrap; a deprovision is another run of
 * the same session, never active beside it), so the copy stays true and a step need not read it.
 */
export interface JobCopy {
  platform: Platform | null;
  /** The platform change of the step running now, not yet written (`stagePlatformChange`). */
  staged: StagedPlatformChange | null;
}

type StepHandler = (c: StepContext) => Promise<Record<string, unknown> | void>;

async function platformOf({ session, job }: Pick<StepContext, "session" | "job">): Promise<Platform> {
  const platformId =
    session.platformId ??
    (await db().onboardingSession.findUniqueOrThrow({ where: { id: session.id }, select: { platformId: true } }))
      .platformId;
  if (!platformId)
    throw new ProviderError("platform_missing", "The platform record is missing; create_platform did not run.");
  if (job.platform?.id === platformId) return job.platform;
  // A job's first step after create_platform reads it: through the pg pool, the row as Prisma would give it.
  const [platform] = await sqlRead<Platform>(`SELECT ${PLATFORM_COLUMNS} FROM "Platform" WHERE "id" = $1`, [
    platformId,
  ]);
  if (!platform) throw new ProviderError("platform_missing", "The platform record is missing.");
  job.platform = platform;
  return platform;
}

/**
 * Updates the platform in one statement, fenced by the lease (refused with LeaseLost once
 * another worker holds the run), and returns it. (A bootstrap step's change rides on its
 * success instead: `stagePlatformChange`.)
 */
async function updatePlatform(lease: Lease, platformId: string, change: PlatformChange): Promise<Platform> {
  const values: unknown[] = [platformId, utcTimestamp(new Date()), lease.runId, lease.generation, lease.workerId];
  const param = (v: unknown, cast = "") => `$${values.push(v)}${cast}`;
  const rows = await sqlWrite<Platform>(
    `UPDATE "Platform" SET ${platformSetClause(change, "$2", param)}
     WHERE "id" = $1 AND EXISTS (${heldRunSql("$3", "$4", "$5")}) RETURNING ${PLATFORM_COLUMNS}`,
    values,
  );
  if (rows.length === 0) throw leaseLost(lease);
  return rows[0];
}

/**
 * The step's one change to its platform (`patch` merged into the resources the job's copy holds),
 * written with the step's success — in the same statement, fenced by the same lease — and applied
 * to the job's copy once that has committed (lib/runs/execute-run.ts). A step that fails writes
 * none of it.
 */
function stagePlatformChange(
  { job }: Pick<StepContext, "job">,
  platform: Platform,
  patch: Record<string, unknown>,
  change: Omit<PlatformChange, "resources"> = {},
): void {
  const resources = { ...((platform.resources as Record<string, unknown>) ?? {}), ...patch };
  job.staged = { platformId: platform.id, change: { ...change, resources } };
}

/**
 * The platform record (created, or an earlier one of ours reused) and the session's link to it,
 * in one statement fenced by the lease. The link is run progress (`progress` + 1, not a new
 * version: the operator changed nothing).
 */
async function upsertLinkedPlatform(
  lease: Lease,
  session: OnboardingSession,
  existing: Platform | null,
): Promise<Platform> {
  // $1–$6 are common; the write's own values follow.
  const [write, own] = existing
    ? [
        `UPDATE "Platform" SET "status" = 'provisioning', "tier" = $7::"Tier", "updatedAt" = $6::timestamp
         WHERE "id" = $5 AND EXISTS (SELECT 1 FROM lease) RETURNING ${PLATFORM_COLUMNS}`,
        [session.tier],
      ]
    : [
        `INSERT INTO "Platform" ("id", "workspaceId", "slug", "tier", "createdAt", "updatedAt")
         SELECT $5, $7, $8, $9::"Tier", $6::timestamp, $6::timestamp FROM lease RETURNING ${PLATFORM_COLUMNS}`,
        [session.workspaceId, session.slug, session.tier],
      ];
  const rows = await sqlWrite<Platform>(
    `WITH lease AS (${heldRunSql("$1", "$2", "$3")}), p AS (${write}), link AS (
       UPDATE "OnboardingSession" SET "platformId" = (SELECT "id" FROM p), "progress" = "progress" + 1, "updatedAt" = $6::timestamp
       WHERE "id" = $4 AND "platformId" IS DISTINCT FROM $5 AND EXISTS (SELECT 1 FROM p)
     )
     SELECT ${PLATFORM_COLUMNS} FROM p`,
    [
      lease.runId,
      lease.generation,
      lease.workerId,
      session.id,
      existing?.id ?? newId(),
      utcTimestamp(new Date()),
      ...own,
    ],
  );
  if (rows.length === 0) throw leaseLost(lease);
  return rows[0];
}

const createPlatform: StepHandler = async ({ session, ctx, lease, job }) => {
  const [existing] = await sqlRead<Platform>(
    `SELECT ${PLATFORM_COLUMNS} FROM "Platform" WHERE "workspaceId" = $1 AND "slug" = $2`,
    [session.workspaceId, session.slug],
  );
  const ownedByUs =
    existing &&
    (existing.id === session.platformId ||
      (await db().onboardingSession.count({ where: { platformId: existing.id } })) === 0);
  if (existing && !ownedByUs && existing.status !== "deprovisioned") {
    throw new ProviderError("slug_taken", `A platform named ${session.slug} already exists in this workspace.`);
  }
  const platform = await upsertLinkedPlatform(lease, session, existing ?? null);
  ctx.log(
    existing ? `Platform record ${platform.id} already exists; reusing it` : `Created platform record ${platform.id}`,
  );
  // The job's copies follow (its later steps find the platform through them).
  session.platformId = platform.id;
  job.platform = platform;
  return { platformId: platform.id, alreadyExisted: !!existing };
};

const scopeOf = ({ run, step, session }: StepContext): LedgerScope => ({
  workspaceId: session.workspaceId,
  sessionId: session.id,
  runId: run.id,
  stepKey: step.key,
});

const provisionInfra: StepHandler = async (c) => {
  const { session, providers, ctx } = c;
  const platform = await platformOf(c);
  const scope = scopeOf(c);
  const { resources, alreadyExisted } = await providers.infra.provision(ctx, {
    recorded: await liveLedger(session.id),
    record: recorderFor(scope, providers.infra.kind),
    secrets: (names, owner) => workerSecretsFor(scope, names, owner),
  });
  stagePlatformChange(c, platform, { infra: resources });
  return { resources, alreadyExisted };
};

const setupRepo: StepHandler = async (c) => {
  const { providers, ctx } = c;
  const platform = await platformOf(c);
  const repo = await providers.repo.createRepository(ctx);
  await recordResource(scopeOf(c), providers.repo.kind, {
    type: "repository",
    externalId: repo.fullName,
    name: repo.fullName,
    alreadyExisted: repo.alreadyExisted,
    data: { url: repo.url },
  });
  stagePlatformChange(c, platform, { repository: repo }, { repoUrl: repo.url });
  return { repository: repo.fullName, url: repo.url, alreadyExisted: repo.alreadyExisted };
};

const deployServices: StepHandler = async (c) => {
  const { session, providers, ctx } = c;
  const platform = await platformOf(c);
  const repo = (platform.resources as { repository?: RepositoryInfo }).repository;
  if (!repo) throw new ProviderError("repository_missing", "No repository recorded; setup_repo must succeed first.");
  if (providers.infra.deploy) {
    // The infrastructure serves the platform (Cloudflare Pages): built from the GitHub
    // repository when there is one, otherwise the stack template's static bundle is uploaded.
    const [owner, name] = repo.fullName.split("/", 2);
    const github =
      providers.repo.kind === "github" ? { owner, repo: name, productionBranch: repo.defaultBranch } : undefined;
    const deployment = await providers.infra.deploy(ctx, {
      github,
      files: github ? undefined : starterBundle({ name: session.platformName, slug: session.slug }),
      vars: { ONRAMP_PLATFORM_SLUG: session.slug, ONRAMP_TIER: session.tier },
      recorded: await liveLedger(session.id),
      record: recorderFor(scopeOf(c), providers.infra.kind),
    });
    stagePlatformChange(c, platform, { deployment });
    return {
      deploymentId: deployment.deploymentId,
      environmentUrl: deployment.environmentUrl,
      alreadyExisted: deployment.alreadyExisted,
    };
  }
  const deployment = await providers.repo.deploy(ctx, repo);
  await recordResource(scopeOf(c), providers.repo.kind, {
    type: "deployment",
    externalId: deployment.deploymentId,
    name: `${repo.fullName} first deployment`,
    alreadyExisted: deployment.alreadyExisted,
    data: deployment.environmentUrl ? { url: deployment.environmentUrl } : {},
  });
  stagePlatformChange(c, platform, { deployment });
  return {
    deploymentId: deployment.deploymentId,
    environmentUrl: deployment.environmentUrl,
    alreadyExisted: deployment.alreadyExisted,
  };
};

const verifyPlatform: StepHandler = async ({ session, providers, ctx, job }) => {
  const platform = await platformOf({ session, job });
  const resources = platform.resources as { repository?: RepositoryInfo; deployment?: DeploymentInfo };
  if (!resources.repository || !resources.deployment) {
    throw new ProviderError("resources_missing", "The repository or deployment is not recorded.");
  }
  const infra = await providers.infra.verify(ctx, await liveLedger(session.id));
  if (!infra.ok)
    throw new ProviderError("infra_unverified", infra.detail, {
      remediation: "Check the resource in the provider's console (Resources list), then resume.",
    });
  if (providers.infra.deploy) {
    // The infrastructure's own check covered the deployment (Cloudflare Pages) and knows its URL.
    const environmentUrl = infra.url ?? resources.deployment.environmentUrl;
    stagePlatformChange(
      { job },
      platform,
      { deployment: { ...resources.deployment, ...(environmentUrl ? { environmentUrl } : {}) } },
      { status: "active", deploymentUrl: environmentUrl ?? null },
    );
    return { infra: infra.detail, ...(environmentUrl ? { environmentUrl } : {}) };
  }
  const deployed = await providers.repo.verifyDeployment(ctx, resources.repository, resources.deployment);
  if (!deployed.ok)
    throw new ProviderError("deployment_unhealthy", deployed.detail, {
      remediation: "Check the deployment's logs, then resume.",
    });
  // A real provider may learn the URL only now (GitHub reports it on the success status).
  const environmentUrl = deployed.environmentUrl ?? resources.deployment.environmentUrl;
  stagePlatformChange(
    { job },
    platform,
    { deployment: { ...resources.deployment, ...(environmentUrl ? { environmentUrl } : {}) } },
    { status: "active", deploymentUrl: environmentUrl ?? null },
  );
  return { infra: infra.detail, deployment: deployed.detail, ...(environmentUrl ? { environmentUrl } : {}) };
};

const checkInfrastructure: StepHandler = async ({ providers, ctx }) => ({
  checks: await providers.infra.verifyAccess(ctx),
});
const checkRepository: StepHandler = async ({ providers, ctx }) => ({ checks: await providers.repo.verifyAccess(ctx) });

const deleteResources: StepHandler = async ({ session, providers, ctx }) => deleteFromLedger(session, providers, ctx);
const retirePlatform: StepHandler = async ({ session, ctx, lease }) => {
  const fresh = await db().onboardingSession.findUniqueOrThrow({ where: { id: session.id } });
  if (fresh.platformId) {
    await updatePlatform(lease, fresh.platformId, { status: "deprovisioned", repoUrl: null, deploymentUrl: null });
    ctx.log("Platform record marked deprovisioned");
  }
  return { retired: true };
};

export const STEP_HANDLERS: Record<RunKind, Record<string, StepHandler>> = {
  verify_access: { check_infrastructure: checkInfrastructure, check_repository: checkRepository },
  recheck_access: { recheck: recheckStep },
  bootstrap: {
    create_platform: createPlatform,
    provision_infra: provisionInfra,
    setup_repo: setupRepo,
    deploy_services: deployServices,
    verify: verifyPlatform,
  },
  deprovision: { delete_resources: deleteResources, retire_platform: retirePlatform },
};
