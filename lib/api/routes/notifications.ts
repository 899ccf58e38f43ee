// The caller's notification centre: a notification per run end of a run they (or their token) started.
import { defineRoute } from "@/lib/api/define-route";
import {
  listNotificationsQuery,
  markReadResponse,
  markReadSchema,
  notificationListResponse,
} from "@/lib/notifications/schemas";

const tag = "Notifications";

export const listNotifications = defineRoute({
  method: "GET",
  path: "/api/v1/notifications",
  tag,
  summary: "The caller's notifications in the workspace, newest first, with the unread count (?unread=true, cursor)",
  access: { capability: "view", scope: "workspace" },
  query: listNotificationsQuery,
  responses: { 200: notificationListResponse },
  errors: [422],
});

export const markNotificationsRead = defineRoute({
  method: "POST",
  path: "/api/v1/notifications/read",
  tag,
  summary: "Mark the caller's notifications read: { ids } or { all: true } (ids of others are ignored)",
  access: { capability: "view", scope: "workspace" },
  body: markReadSchema,
  responses: { 200: markReadResponse },
  errors: [422],
});
