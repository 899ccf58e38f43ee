import "server-only";
// The caller's notifications in one workspace, newest first, with the unread count the bell shows.
import { db } from "@/lib/db/client";
import { encodeCursor, keysetWhere } from "@/lib/api/cursor";
import type { ListNotificationsQuery } from "./schemas";
import { serializeNotification } from "./serialize";

export function unreadCount(workspaceId: string, userId: string): Promise<number> {
  return db().notification.count({ where: { workspaceId, userId, readAt: null } });
}

export async function listNotifications(workspaceId: string, userId: string, query: ListNotificationsQuery) {
  const [rows, unread] = await Promise.all([
    db().notification.findMany({
      where: {
        workspaceId,
        userId,
        ...(query.unread === "true" ? { readAt: null } : {}),
        ...keysetWhere(query.cursor),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    }),
    unreadCount(workspaceId, userId),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(serializeNotification),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null,
    unreadCount: unread,
  };
}
