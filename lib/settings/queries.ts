import "server-only";
// Settings lists. The caller has been authorized for the workspace before these run.
import { db } from "@/lib/db/client";
import { encodeCursor, keysetWhere } from "@/lib/api/cursor";
import type { ListPlatformsQuery } from "./schemas";
import {
  serializeConnection,
  serializeDelivery,
  serializeMember,
  serializePlatform,
  serializeToken,
  serializeWebhook,
} from "./serialize";

const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];
const DELIVERY_PAGE = 50;

export async function listTokens(workspaceId: string) {
  const rows = await db().apiToken.findMany({
    where: { workspaceId },
    include: { user: { select: { email: true } } },
    orderBy: newestFirst,
  });
  return { items: rows.map(serializeToken) };
}

export async function listWebhooks(workspaceId: string) {
  const rows = await db().webhookEndpoint.findMany({ where: { workspaceId }, orderBy: newestFirst });
  return { items: rows.map(serializeWebhook) };
}

/** The delivery log of one endpoint, newest first, 50 a page. */
export async function listWebhookDeliveries(endpointId: string, cursor?: string) {
  const rows = await db().webhookDelivery.findMany({
    where: { endpointId, ...keysetWhere(cursor) },
    orderBy: newestFirst,
    take: DELIVERY_PAGE + 1,
  });
  const page = rows.slice(0, DELIVERY_PAGE);
  return {
    items: page.map(serializeDelivery),
    nextCursor: rows.length > DELIVERY_PAGE ? encodeCursor(page[page.length - 1]) : null,
  };
}

export async function listConnections(workspaceId: string) {
  const rows = await db().providerConnection.findMany({
    where: { workspaceId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return { items: rows.map(serializeConnection) };
}

export async function listMembers(workspaceId: string) {
  const rows = await db().membership.findMany({
    where: { workspaceId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { items: rows.map(serializeMember) };
}

export async function listPlatforms(workspaceId: string, query: ListPlatformsQuery) {
  const rows = await db().platform.findMany({
    where: { workspaceId, ...(query.status ? { status: query.status } : {}), ...keysetWhere(query.cursor) },
    include: { session: { select: { id: true, platformName: true } } },
    orderBy: newestFirst,
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(serializePlatform),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null,
  };
}
