import "server-only";
// Marks the caller's own notifications read: ids of someone else's are ignored, not revealed.
import { db } from "@/lib/db/client";
import { unreadCount } from "./list-notifications";

export async function markNotificationsRead(
  workspaceId: string,
  userId: string,
  target: { ids?: string[]; all?: true },
) {
  const { count } = await db().notification.updateMany({
    where: { workspaceId, userId, readAt: null, ...(target.ids ? { id: { in: target.ids } } : {}) },
    data: { readAt: new Date() },
  });
  return { updated: count, unreadCount: await unreadCount(workspaceId, userId) };
}
