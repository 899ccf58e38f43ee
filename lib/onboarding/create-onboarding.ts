import "server-only";
// Create an onboarding (202 with the seed response), honouring Idempotency-Key, and start
// Verify Access at once with autoStart.
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import type { OnboardingSession } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/api/errors";
import { auditActor, authorize, type Actor, type ActorMembership } from "@/lib/auth/actor";
import { initialSteps } from "./constants";
import { deriveLifecycle } from "./lifecycle";
import type { z } from "zod";
import type { CreateOnboardingInput, createdResponse } from "./schemas";
import { slugTaken } from "./errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { seedSteps } from "./serialize";
import { assertConnection } from "./assert-connection";
import { startFirstRunInTx } from "@/lib/runs/start-run";
import { enqueueDeliveries, sessionInsertSql } from "./mutate-session";
import { sqlRead, sqlTransaction } from "@/lib/db/sql";
import { newId } from "@/lib/db/ids";
import { getBoss } from "@/lib/queue/queue";

function requestHash(actor: Actor, body: unknown): string {
  return createHash("sha256").update(actor.userId).update("\0").update(JSON.stringify(body)).digest("hex");
}

export interface CreateResult {
  status: number;
  body: z.infer<typeof createdResponse>;
  replayed: boolean;
}

export async function createOnboarding(
  actor: Actor,
  membership: ActorMembership,
  input: CreateOnboardingInput,
  idempotencyKey: string | null,
): Promise<CreateResult> {
  authorize(actor, membership.workspaceId, "manage_drafts", "Workspace");
  if (input.autoStart) authorize(actor, membership.workspaceId, "run_operations", "Workspace");
  if (input.userId && input.userId !== actor.userId) {
    throw new ApiError("validation_failed", "userId must be the caller (or omitted).", {
      fields: [{ field: "userId", message: "Must be your own user id" }],
    });
  }
  const hash = requestHash(actor, input);
  if (idempotencyKey) {
    const replay = await findReplay(membership.workspaceId, idempotencyKey, hash);
    if (replay) return replay;
  }
  await assertConnection(membership.workspaceId, input.connectionId, input.simulation);
  await assertConnection(membership.workspaceId, input.infraConnectionId, input.simulation, "infraConnectionId");
  // Through plain pg (lib/db/sql.ts): every create pays for this read.
  const [platformWithSlug] = await sqlRead<{ status: string }>(
    `SELECT "status"::text AS "status" FROM "Platform" WHERE "workspaceId" = $1 AND "slug" = $2`,
    [membership.workspaceId, input.slug],
  );
  if (platformWithSlug && platformWithSlug.status !== "deprovisioned") throw slugTaken(input.slug);

  // With autoStart the run starts in the create's transaction: one commit, and a start the rules
  // refuse leaves no onboarding behind.
  if (input.autoStart) await getBoss(); // started outside the transaction that sends the job
  let session: OnboardingSession;
  let jobId: string | null = null;
  let deliveries: string[] = [];
  try {
    // Every statement is raw: a plain pg transaction (Prisma's costs its client more than the
    // statements cost PostgreSQL; BENCHMARKS.md, "Hot transactions without Prisma").
    session = await sqlTransaction(async (tx) => {
      const steps = initialSteps();
      const draftInput = {
        slug: input.slug,
        connectionId: input.connectionId ?? null,
        infraConnectionId: input.infraConnectionId ?? null,
        stackTemplateId: input.stackTemplateId ?? null,
        draft: input.connectionId || input.infraConnectionId ? { connectConfirmed: true } : {},
        status: "pending" as const,
        steps,
        provisionJobId: null,
        currentCheckpoint: "identify" as const,
        cancelledAt: null,
        activatedAt: null,
      };
      const derived = deriveLifecycle(draftInput, {});
      const id = newId();
      const insert = sessionInsertSql(
        {
          id,
          workspaceId: membership.workspaceId,
          platformName: input.platformName,
          slug: input.slug,
          activeSlug: input.slug,
          tier: input.tier,
          stackTemplateId: input.stackTemplateId ?? null,
          userId: actor.userId,
          connectionId: input.connectionId ?? null,
          infraConnectionId: input.infraConnectionId ?? null,
          draft: draftInput.draft,
          simulation: input.simulation ?? undefined,
          ...derived,
          updatedById: actor.userId,
          updatedAt: new Date(),
          version: 1,
        },
        {
          actor: auditActor(actor),
          entry: {
            workspaceId: membership.workspaceId,
            action: "onboarding.created",
            targetType: "onboarding_session",
            targetId: id,
            toVersion: 1,
            data: { platformName: input.platformName, slug: input.slug, tier: input.tier },
          },
        },
      );
      const [created] = await tx.$queryRawUnsafe<OnboardingSession[]>(insert.sql, ...insert.values);
      let result = created;
      if (input.autoStart) {
        const started = await startFirstRunInTx(tx, actor, created, "verify_access");
        result = started.session;
        jobId = started.run.id;
        deliveries = started.deliveries;
      }
      if (idempotencyKey) {
        await tx.$executeRawUnsafe(
          `INSERT INTO "IdempotencyRecord" ("id", "workspaceId", "key", "requestHash", "responseStatus", "responseBody")
           VALUES ($1, $2, $3, $4, $5::int, $6::jsonb)`,
          newId(),
          membership.workspaceId,
          idempotencyKey,
          hash,
          202,
          JSON.stringify(createdBody(result, jobId)),
        );
      }
      return result;
    });
  } catch (err) {
    if (idempotencyKey && isUniqueViolation(err, "key")) {
      const replay = await findReplay(membership.workspaceId, idempotencyKey, hash);
      if (replay) return replay;
    }
    if (isUniqueViolation(err)) throw slugTaken(input.slug);
    throw err;
  }

  await enqueueDeliveries(deliveries);
  return { status: 202, body: createdBody(session, jobId), replayed: false };
}

function createdBody(s: OnboardingSession, jobId: string | null) {
  return {
    onboardingId: s.id,
    jobId: jobId ?? s.provisionJobId,
    status: s.status,
    steps: seedSteps(s.steps),
    version: s.version,
  };
}

async function findReplay(workspaceId: string, key: string, hash: string): Promise<CreateResult | null> {
  const record = await db().idempotencyRecord.findUnique({ where: { workspaceId_key: { workspaceId, key } } });
  if (!record) return null;
  if (record.requestHash !== hash) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request body.",
    );
  }
  return {
    status: record.responseStatus,
    body: record.responseBody as unknown as CreateResult["body"],
    replayed: true,
  };
}
