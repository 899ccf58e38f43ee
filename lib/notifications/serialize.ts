import "server-only";
import type { z } from "zod";
import type { Notification } from "@/lib/generated/prisma/client";
import type { notificationResponse } from "./schemas";

export function serializeNotification(n: Notification): z.infer<typeof notificationResponse> {
  return {
    id: n.id,
    kind: n.kind,
    runId: n.runId,
    title: n.title,
    body: n.body,
    href: n.href,
    read: n.readAt !== null,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}
