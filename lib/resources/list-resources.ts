import "server-only";
// GET /api/v1/onboarding/:id/resources — the ledger of one onboarding, oldest first. Readable by
// whoever may view the session; another workspace's session is "not found".
import type { Actor } from "@/lib/auth/actor";
import { loadSessionFor } from "@/lib/onboarding/load-session-for";
import { ledgerRows } from "./record-resource";
import { serializeResource } from "./serialize";

export async function listResources(actor: Actor, sessionId: string) {
  const session = await loadSessionFor(actor, sessionId, "view");
  const rows = await ledgerRows(session.id);
  return { items: rows.map(serializeResource) };
}
