import "server-only";
// Load a settings record and check the caller may act on it. The workspace comes from the
// record itself; a record of a workspace the caller is not in answers 404.
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/api/errors";
import { authorize, type Actor } from "@/lib/auth/actor";
import type { Capability } from "@/lib/auth/capabilities";

export async function loadTokenFor(actor: Actor, id: string, capability: Capability) {
  const token = await db().apiToken.findUnique({ where: { id } });
  if (!token) throw notFound("API token");
  authorize(actor, token.workspaceId, capability, "API token");
  return token;
}

export async function loadWebhookFor(actor: Actor, id: string, capability: Capability) {
  const endpoint = await db().webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw notFound("Webhook");
  authorize(actor, endpoint.workspaceId, capability, "Webhook");
  return endpoint;
}

export async function loadDeliveryFor(actor: Actor, id: string, capability: Capability) {
  const delivery = await db().webhookDelivery.findUnique({ where: { id }, include: { endpoint: true } });
  if (!delivery) throw notFound("Webhook delivery");
  authorize(actor, delivery.endpoint.workspaceId, capability, "Webhook delivery");
  return delivery;
}

export async function loadConnectionFor(actor: Actor, id: string, capability: Capability) {
  const connection = await db().providerConnection.findUnique({ where: { id } });
  if (!connection) throw notFound("Connection");
  authorize(actor, connection.workspaceId, capability, "Connection");
  return connection;
}

/** Members are addressed by user id inside the workspace the caller selected. */
export async function loadMemberFor(actor: Actor, workspaceId: string, userId: string, capability: Capability) {
  const caller = authorize(actor, workspaceId, capability, "Workspace");
  const member = await db().membership.findUnique({
    where: { workspaceId_userId: { workspaceId, userId } },
    include: { user: { select: { email: true, name: true } } },
  });
  if (!member) throw notFound("Member");
  return { caller, member };
}
