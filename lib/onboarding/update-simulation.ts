import "server-only";
// PUT /onboarding/:id/simulation: change or remove the simulated provider's failure injection
// (e.g. take a `failCheck` away so the verification assist's Re-check can turn the check green).
// Only while both sides of the onboarding use the simulated provider; versioned and audited.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/api/errors";
import { auditActor, authorize, type Actor } from "@/lib/auth/actor";
import { Prisma } from "@/lib/generated/prisma/client";
import { assertAllowed } from "./actions";
import { mutateSession, type VersionSource } from "./mutate-session";
import { latestRunsOf } from "./queries";
import { simulationSchema } from "./schemas";

export async function updateSimulation(
  actor: Actor,
  sessionId: string,
  simulation: z.infer<typeof simulationSchema> | null,
  base: { expectedVersion: number; versionSource: VersionSource },
) {
  const existing = await db().onboardingSession.findUnique({ where: { id: sessionId } });
  if (!existing) throw notFound("Onboarding");
  const { role } = authorize(actor, existing.workspaceId, "view", "Onboarding");
  const ids = [existing.connectionId, existing.infraConnectionId].filter((id): id is string => !!id);
  const real = ids.length
    ? await db().providerConnection.findFirst({ where: { id: { in: ids }, kind: { not: "simulated" } } })
    : null;
  if (real) {
    throw new ApiError("validation_failed", "Failure injection is only available with the simulated provider.", {
      fields: [{ field: "simulation", message: `Not allowed with the ${real.kind} connection "${real.name}"` }],
    });
  }
  return mutateSession({
    sessionId,
    expectedVersion: base.expectedVersion,
    versionSource: base.versionSource,
    actor: auditActor(actor),
    action: "onboarding.simulation_updated",
    change: async (current, tx) => {
      assertAllowed("saveAnswers", { session: current, runs: await latestRunsOf(tx, current.id), role });
      return { simulation: simulation ? (simulation as Prisma.InputJsonValue) : Prisma.DbNull };
    },
    auditData: (before) =>
      ({
        changes: { simulation: { from: before.simulation ?? null, to: simulation ?? null } },
      }) as Prisma.InputJsonValue,
  });
}
