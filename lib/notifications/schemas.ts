// Request and response shapes of the notification centre (GET /notifications, POST /notifications/read).
import { z } from "zod";

export const NOTIFICATION_KINDS = ["run_succeeded", "run_failed", "run_cancelled", "run_blocked"] as const;

export const listNotificationsQuery = z.strictObject({
  unread: z.enum(["true", "false"]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  workspace: z.string().max(100).optional(),
});
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id");

export const markReadSchema = z
  .strictObject({
    ids: z.array(id).min(1).max(100).optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids ? 1 : 0) + (b.all ? 1 : 0) === 1, {
    message: "Send either `ids` or `all: true`",
    path: ["ids"],
  })
  .meta({ id: "MarkNotificationsRead" });

export const notificationResponse = z
  .object({
    id: z.string(),
    kind: z.string(),
    runId: z.string().nullable(),
    title: z.string(),
    body: z.string(),
    href: z.string(),
    read: z.boolean(),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Notification" });

export const notificationListResponse = z
  .object({
    items: z.array(notificationResponse),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int(),
  })
  .meta({ id: "NotificationPage" });

export const markReadResponse = z
  .object({ updated: z.number().int(), unreadCount: z.number().int() })
  .meta({ id: "NotificationsMarkedRead" });
