import "server-only";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadConnectionFor } from "./load-for";
import { auditActor, conflict } from "./shared";

/**
 * Refused while an open onboarding (not cancelled, not yet active) uses the connection:
 * deleting it would leave that onboarding without the real provider it was configured with,
 * and the simulated one must never stand in silently.
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
