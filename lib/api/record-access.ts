import "server-only";
// Routes declared with `scope: "record"` are authorized against the workspace of the record
// their `id` names — ownership comes from the record itself, never from the request. Each
// loader is one indexed read; the onboarding's also brings the newest runs, so GET
// /onboarding/:id answers from it without another round trip.
import { db } from "@/lib/db/client";
import { notFound } from "./errors";
import { authorize, type Actor, type ActorMembership } from "@/lib/auth/actor";
import type { Capability } from "@/lib/auth/capabilities";
import { loadSessionWithRuns } from "@/lib/onboarding/queries";
import { loadWatchTag } from "@/lib/onboarding/watch";
import type { RecordKind } from "./define-route";

const LOADERS = {
  onboarding: { what: "Onboarding", load: (id: string) => loadSessionWithRuns(id) },
  // The watch's tag (lib/onboarding/watch.ts): a tick that changed nothing reads nothing else.
  onboardingWatch: { what: "Onboarding", load: (id: string, actor: Actor) => loadWatchTag(id, actor.userId) },
  operationRun: {
    what: "Operation run",
    // With its steps: GET /operation-runs/:id (polled while a run is active) answers from it.
    load: (id: string) =>
      db().operationRun.findUnique({ where: { id }, include: { steps: { orderBy: { position: "asc" } } } }),
  },
  webhook: {
    what: "Webhook",
    load: (id: string) => db().webhookEndpoint.findUnique({ where: { id }, select: { id: true, workspaceId: true } }),
  },
  webhookDelivery: {
    what: "Webhook delivery",
    load: async (id: string) => {
      const row = await db().webhookDelivery.findUnique({
        where: { id },
        select: { id: true, endpoint: { select: { workspaceId: true } } },
      });
      return row && { id: row.id, workspaceId: row.endpoint.workspaceId };
    },
  },
  connection: {
    what: "Connection",
    load: (id: string) =>
      db().providerConnection.findUnique({ where: { id }, select: { id: true, workspaceId: true } }),
  },
  token: {
    what: "API token",
    load: (id: string) => db().apiToken.findUnique({ where: { id }, select: { id: true, workspaceId: true } }),
  },
  invitation: {
    what: "Invitation",
    load: (id: string) => db().invitation.findUnique({ where: { id }, select: { id: true, workspaceId: true } }),
  },
} satisfies Record<RecordKind, { what: string; load: (id: string, actor: Actor) => Promise<unknown> }>;

export type LoadedRecord<K extends RecordKind> = NonNullable<Awaited<ReturnType<(typeof LOADERS)[K]["load"]>>>;

function workspaceOf(record: unknown): string {
  const r = record as { workspaceId?: string; session?: { workspaceId: string } };
  return r.session?.workspaceId ?? r.workspaceId!;
}

/** Loads the record, then checks the caller's role in its workspace: 404 when not a member, 403 without the capability. */
export async function authorizeRecord<K extends RecordKind>(
  actor: Actor,
  kind: K,
  id: string,
  capability: Capability,
): Promise<{ record: LoadedRecord<K>; membership: ActorMembership }> {
  const loader = LOADERS[kind];
  const record = await loader.load(id, actor);
  if (!record) throw notFound(loader.what);
  const membership = authorize(actor, workspaceOf(record), capability, loader.what);
  return { record: record as LoadedRecord<K>, membership };
}
