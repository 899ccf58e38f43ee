import { z } from "zod";
import { versionedActionSchema } from "@/lib/onboarding/schemas";

export const deprovisionActionSchema = versionedActionSchema
  .extend({
    dryRun: z
      .boolean()
      .optional()
      .meta({ description: "Answer the deprovision plan and change nothing (no version needed)" }),
  })
  .meta({ id: "DeprovisionAction" });

const provider = z.enum(["simulated", "github", "cloudflare"]);

export const resourceResponse = z
  .object({
    id: z.string(),
    provider,
    type: z.string().meta({
      description:
        "d1_database, worker_script, worker_secret, pages_project, pages_deployment, repository, deployment, infra",
    }),
    name: z.string(),
    externalId: z
      .string()
      .meta({ description: "The provider's id (D1 uuid, script name, repository full name, deployment id)" }),
    preExisted: z.boolean().meta({ description: "Already there when the onboarding found it: kept by deprovision" }),
    runId: z.string().nullable(),
    stepKey: z.string().nullable(),
    consoleUrl: z
      .string()
      .nullable()
      .meta({ description: "The resource in the provider's console (Cloudflare dashboard, GitHub)" }),
    details: z.record(z.string(), z.string()),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: "Resource" });

export const resourcesResponse = z.object({ items: z.array(resourceResponse) }).meta({ id: "ResourceList" });

const planItem = z.object({
  resourceId: z.string(),
  provider,
  type: z.string(),
  name: z.string(),
  externalId: z.string(),
  consoleUrl: z.string().nullable(),
});

export const deprovisionPlanResponse = z
  .object({
    dryRun: z.literal(true),
    sessionId: z.string(),
    delete: z
      .array(planItem.extend({ order: z.int() }))
      .meta({ description: "What will be deleted, in this order (reverse creation order)" }),
    keep: z
      .array(planItem.extend({ reason: z.literal("pre_existed") }))
      .meta({ description: "Kept: it was there before the onboarding" }),
    alreadyDeleted: z.array(planItem.extend({ deletedAt: z.string() })),
    retirePlatform: z.boolean(),
    byName: z.boolean().meta({
      description:
        "No ledger (an onboarding bootstrapped before it existed): the run removes the repository and simulated infrastructure by name",
    }),
  })
  .meta({ id: "DeprovisionPlan" });
