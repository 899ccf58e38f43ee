import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadConnectionFor } from "./load-for";
import { auditActor, conflict } from "./shared";

/**
 * Refused while an open onboarding (not cancelled, not yet active) uses the connection:
 * deleting it would leave that onboarding without the real provider it was configured with,
 * and the simulated one must never stand in silently. Refused too while an onboarding still
 * has resources it created through the connection (deprovision needs it).
 */
export async function deleteConnection(actor: Actor, id: string): Promise<void> {
  const connection = await loadConnectionFor(actor, id, "connections");
  await db().$transaction(async (tx) => {
    // Wait for any session write in flight (a run being started commits its run with it).
    await tx.$queryRaw`SELECT id FROM "OnboardingSession" WHERE "connectionId" = ${id} OR "infraConnectionId" = ${id} FOR UPDATE`;
    const open = await tx.onboardingSession.findMany({
      where: { OR: [{ connectionId: id }, { infraConnectionId: id }], cancelledAt: null, activatedAt: null },
      select: { id: true },
      take: 10,
    });
    if (open.length > 0) {
      throw conflict(
        "connection_in_use",
        `Connection "${connection.name}" is used by ${open.length === 10 ? "10 or more" : open.length} open onboarding(s); finish, cancel or move them to another connection first.`,
        { extra: { onboardingIds: open.map((s) => s.id) } },
      );
    }
    // Deprovisioning needs the connection: while anything an onboarding created through it is
    // still in its ledger (not deleted, not pre-existing), the connection stays.
    const owed = await tx.resource.findMany({
      where: {
        provider: connection.kind,
        deletedAt: null,
        preExisted: false,
        session: { OR: [{ connectionId: id }, { infraConnectionId: id }] },
      },
      select: { sessionId: true },
      distinct: ["sessionId"],
      take: 10,
    });
    if (owed.length > 0) {
      throw conflict(
        "connection_has_resources",
        `Connection "${connection.name}" is needed to remove what ${owed.length === 10 ? "10 or more" : owed.length} onboarding(s) created through it; deprovision them first.`,
        { extra: { onboardingIds: owed.map((r) => r.sessionId) } },
      );
    }
    const { count } = await tx.providerConnection.deleteMany({ where: { id } });
    if (count === 0) return;
    await recordAudit(tx, auditActor(actor), {
      workspaceId: connection.workspaceId,
      action: "connection.deleted",
      targetType: "connection",
      targetId: id,
      data: { name: connection.name, kind: connection.kind },
    });
  });
}
