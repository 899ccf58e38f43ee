import "server-only";
// The simulated provider: the default, needs no credentials, and behaves like a real one —
// resources persist (in SimulatedResource), a second create answers "already exists", steps
// take realistic time and every wait honours cancellation. Its reads and creates (every
// bootstrap's) go through the pg pool; deletes through Prisma.
import { sleep } from "@/lib/util/abortable-sleep";
import { db } from "@/lib/db/client";
import { Prisma, type SimulatedResource } from "@/lib/generated/prisma/client";
import { columnList } from "@/lib/db/statements";
import { newId } from "@/lib/db/ids";
import { sqlRead, sqlWrite, utcTimestamp } from "@/lib/db/sql";
import type {
  AccessCheck,
  InfraProvider,
  ProviderContext,
  RepositoryProvider,
  RepositoryInfo,
  DeploymentInfo,
} from "../types";
import { ProviderError } from "../types";
import { env } from "@/lib/env/env";

export interface SimulationOptions {
  /** Each simulated operation takes this long (default SIMULATED_STEP_DELAY_MS or 1500 ms). */
  stepDelayMs?: number;
  /** Verify Access check key that reports a failure. */
  failCheck?: string;
}

function delayFor(opts: SimulationOptions): number {
  return opts.stepDelayMs ?? env("SIMULATED_STEP_DELAY_MS");
}

const SIMULATED_COLUMNS = columnList(Prisma.SimulatedResourceScalarFieldEnum);

/**
 * Creates the resource, or reports that it was already there (a 409 from a real provider). One
 * statement through the pg pool (a bootstrap makes four): the row inserted, or the one in the way.
 */
async function ensureResource(ctx: ProviderContext, kind: string, name: string, data: Prisma.InputJsonValue) {
  const [row] = await sqlWrite<SimulatedResource & { alreadyExisted: boolean }>(
    `WITH ins AS (
       INSERT INTO "SimulatedResource" ("id", "workspaceId", "kind", "name", "data", "createdAt")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamp)
       ON CONFLICT ("workspaceId", "kind", "name") DO NOTHING
       RETURNING ${SIMULATED_COLUMNS}
     )
     SELECT ${SIMULATED_COLUMNS}, false AS "alreadyExisted" FROM ins
     UNION ALL
     SELECT ${SIMULATED_COLUMNS}, true FROM "SimulatedResource"
     WHERE "workspaceId" = $2 AND "kind" = $3 AND "name" = $4 AND NOT EXISTS (SELECT 1 FROM ins)`,
    [newId(), ctx.workspaceId, kind, name, JSON.stringify(data), utcTimestamp(new Date())],
  );
  // A writer racing ours committed after this statement's snapshot: its row is there now.
  const found = row ?? (await findResource(ctx, kind, name));
  if (!found) throw new Error(`simulated ${kind} ${name}: neither created nor found`);
  const { alreadyExisted = true, ...resource } = found as SimulatedResource & { alreadyExisted?: boolean };
  if (alreadyExisted) ctx.log(`${kind} ${name} already exists (409); reusing it`);
  return { resource, alreadyExisted };
}

async function findResource(ctx: ProviderContext, kind: string, name: string): Promise<SimulatedResource | null> {
  const [row] = await sqlRead<SimulatedResource>(
    `SELECT ${SIMULATED_COLUMNS} FROM "SimulatedResource" WHERE "workspaceId" = $1 AND "kind" = $2 AND "name" = $3`,
    [ctx.workspaceId, kind, name],
  );
  return row ?? null;
}

function check(key: string, label: string, failCheck: string | undefined, message: string): AccessCheck {
  if (failCheck === key) {
    return {
      key,
      label,
      status: "fail",
      reasonCode: `simulated_${key}_failed`,
      message: `Simulated failure injected for "${key}".`,
      remediation: "Remove `simulation.failCheck` from the onboarding (it exists to rehearse this screen).",
    };
  }
  return { key, label, status: "pass", message };
}

export function createSimulatedInfra(opts: SimulationOptions = {}): InfraProvider {
  return {
    kind: "simulated",
    async verifyAccess(ctx) {
      await sleep(delayFor(opts) / 2, ctx.signal);
      return [
        check(
          "infra_credentials",
          "Infrastructure credentials",
          opts.failCheck,
          "Simulated infrastructure account is reachable.",
        ),
        check("infra_quota", "Infrastructure quota", opts.failCheck, `Quota allows a ${ctx.tier} platform.`),
      ];
    },
    async provision(ctx, provisionOpts = {}) {
      await sleep(delayFor(opts), ctx.signal);
      const resources = {
        database: `sim-d1-${ctx.platformSlug}`,
        authWorker: `sim-worker-${ctx.platformSlug}-auth`,
        secretsStore: `sim-secrets-${ctx.platformSlug}`,
      };
      const { resource, alreadyExisted } = await ensureResource(ctx, "infra", ctx.platformSlug, resources);
      await provisionOpts.record?.({
        type: "infra",
        externalId: resource.id,
        name: `sim-infra-${ctx.platformSlug}`,
        alreadyExisted,
        data: resources,
      });
      ctx.log(
        alreadyExisted ? "Infrastructure already provisioned" : `Provisioned ${Object.values(resources).join(", ")}`,
      );
      return { resources, alreadyExisted };
    },
    async verify(ctx) {
      await sleep(delayFor(opts) / 3, ctx.signal);
      const infra = await findResource(ctx, "infra", ctx.platformSlug);
      return infra
        ? { ok: true, detail: "Infrastructure registered" }
        : { ok: false, detail: "Infrastructure missing" };
    },
    async deleteResource(ctx, entry) {
      await sleep(delayFor(opts) / 2, ctx.signal);
      if (entry.type !== "infra")
        throw new ProviderError(
          "resource_type_unknown",
          `The simulated infrastructure has no ${entry.type} to delete.`,
        );
      const { count } = await db().simulatedResource.deleteMany({
        where: { workspaceId: ctx.workspaceId, kind: "infra", name: ctx.platformSlug },
      });
      ctx.log(count ? "Infrastructure removed" : "Infrastructure was already gone");
      return { deleted: count > 0 };
    },
  };
}

export function createSimulatedRepository(opts: SimulationOptions = {}): RepositoryProvider {
  const repoInfo = (slug: string, alreadyExisted: boolean): RepositoryInfo => ({
    fullName: `onramp-sim/${slug}`,
    url: `https://git.example.test/onramp-sim/${slug}`,
    defaultBranch: "main",
    alreadyExisted,
  });
  return {
    kind: "simulated",
    async verifyAccess(ctx) {
      await sleep(delayFor(opts) / 2, ctx.signal);
      const taken = await findResource(ctx, "repository", ctx.platformSlug);
      return [
        check(
          "repo_token",
          "Repository credentials",
          opts.failCheck,
          "Simulated repository host accepts the credentials.",
        ),
        check(
          "repo_create_permission",
          "Permission to create repositories",
          opts.failCheck,
          "Allowed to create repositories.",
        ),
        check(
          "template_repository",
          "Stack template",
          opts.failCheck,
          `Template ${ctx.stackTemplateId ?? "onramp/stack-starter"} is available.`,
        ),
        taken
          ? {
              key: "slug_available",
              label: "Repository name",
              status: "pass",
              message: "Already created by Onramp for this slug; it will be reused.",
            }
          : check("slug_available", "Repository name", opts.failCheck, `onramp-sim/${ctx.platformSlug} is free.`),
      ];
    },
    async createRepository(ctx) {
      await sleep(delayFor(opts), ctx.signal);
      const info = repoInfo(ctx.platformSlug, false);
      const { alreadyExisted } = await ensureResource(ctx, "repository", ctx.platformSlug, {
        ...info,
        template: ctx.stackTemplateId ?? "onramp/stack-starter",
      });
      if (!alreadyExisted) ctx.log(`Created ${info.fullName} from the stack template`);
      return { ...info, alreadyExisted };
    },
    async deploy(ctx, repo) {
      await sleep(delayFor(opts), ctx.signal);
      const deployment: DeploymentInfo = {
        deploymentId: `sim-deploy-${ctx.platformSlug}`,
        environmentUrl: `https://${ctx.platformSlug}.pages.example.test`,
        alreadyExisted: false,
      };
      await ensureResource(ctx, "secret", `${ctx.platformSlug}/ONRAMP_PLATFORM_SLUG`, {});
      const { alreadyExisted } = await ensureResource(ctx, "deployment", ctx.platformSlug, {
        ...deployment,
        repo: repo.fullName,
      });
      if (!alreadyExisted) ctx.log(`Triggered first deployment of ${repo.fullName}`);
      return { ...deployment, alreadyExisted };
    },
    async verifyDeployment(ctx, repo, deployment) {
      await sleep(delayFor(opts) / 2, ctx.signal);
      const found = await findResource(ctx, "deployment", ctx.platformSlug);
      if (!found) return { ok: false, detail: "Deployment not found" };
      // The URL the deployment was recorded with (as a real provider reports it on success).
      const recorded = (found.data as { environmentUrl?: unknown } | null)?.environmentUrl;
      const environmentUrl = typeof recorded === "string" ? recorded : deployment.environmentUrl;
      return environmentUrl
        ? {
            ok: true,
            detail: `Deployment ${deployment.deploymentId} of ${repo.fullName} is live at ${environmentUrl}`,
            environmentUrl,
          }
        : { ok: true, detail: `Deployment ${deployment.deploymentId} of ${repo.fullName} is live` };
    },
    async deleteRepository(ctx) {
      await sleep(delayFor(opts) / 2, ctx.signal);
      await db().simulatedResource.deleteMany({
        where: {
          workspaceId: ctx.workspaceId,
          OR: [
            { kind: { in: ["repository", "deployment"] }, name: ctx.platformSlug },
            { kind: "secret", name: `${ctx.platformSlug}/ONRAMP_PLATFORM_SLUG` },
          ],
        },
      });
      ctx.log("Repository removed");
    },
    async deleteResource(ctx, entry) {
      if (entry.type === "repository") {
        const found = await findResource(ctx, "repository", ctx.platformSlug);
        await this.deleteRepository(ctx);
        return { deleted: !!found };
      }
      if (entry.type !== "deployment")
        throw new ProviderError(
          "resource_type_unknown",
          `The simulated repository host has no ${entry.type} to delete.`,
        );
      const { count } = await db().simulatedResource.deleteMany({
        where: {
          workspaceId: ctx.workspaceId,
          OR: [
            { kind: "deployment", name: ctx.platformSlug },
            { kind: "secret", name: `${ctx.platformSlug}/ONRAMP_PLATFORM_SLUG` },
          ],
        },
      });
      ctx.log(count ? "Deployment removed" : "Deployment was already gone");
      return { deleted: count > 0 };
    },
  };
}
