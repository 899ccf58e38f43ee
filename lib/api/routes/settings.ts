// Workspace settings: API tokens, webhooks and their deliveries, provider connections.
import { defineRoute, idParams } from "@/lib/api/define-route";
import {
  connectionListResponse,
  connectionResponse,
  createConnectionSchema,
  createTokenSchema,
  createWebhookSchema,
  deliveryPageResponse,
  deliveryResponse,
  listDeliveriesQuery,
  tokenCreatedResponse,
  tokenListResponse,
  updateConnectionSchema,
  updateWebhookSchema,
  webhookCreatedResponse,
  webhookListResponse,
  webhookResponse,
} from "@/lib/settings/schemas";

const WRITE_ERRORS = [413, 415, 422, 429];

export const listTokens = defineRoute({
  method: "GET",
  path: "/api/v1/tokens",
  tag: "API tokens",
  summary: "API tokens of the workspace (never the token itself)",
  access: { capability: "tokens", scope: "workspace" },
  responses: { 200: tokenListResponse },
});

export const createToken = defineRoute({
  method: "POST",
  path: "/api/v1/tokens",
  tag: "API tokens",
  summary: "Create an API token; the token is in this response only",
  access: { capability: "tokens", scope: "workspace" },
  body: createTokenSchema,
  responses: { 201: tokenCreatedResponse },
  errors: WRITE_ERRORS,
});

export const revokeToken = defineRoute({
  method: "DELETE",
  path: "/api/v1/tokens/{id}",
  tag: "API tokens",
  summary: "Revoke a token (idempotent)",
  access: { capability: "tokens", scope: "record", record: "token" },
  params: idParams,
  responses: { 204: null },
});

export const listWebhooks = defineRoute({
  method: "GET",
  path: "/api/v1/webhooks",
  tag: "Webhooks",
  summary: "Webhook endpoints (never their secrets)",
  access: { capability: "webhooks", scope: "workspace" },
  responses: { 200: webhookListResponse },
});

export const createWebhook = defineRoute({
  method: "POST",
  path: "/api/v1/webhooks",
  tag: "Webhooks",
  summary: "Create a webhook endpoint; the signing secret is in this response only",
  access: { capability: "webhooks", scope: "workspace" },
  body: createWebhookSchema,
  responses: { 201: webhookCreatedResponse },
  errors: WRITE_ERRORS,
});

export const updateWebhook = defineRoute({
  method: "PATCH",
  path: "/api/v1/webhooks/{id}",
  tag: "Webhooks",
  summary: "Update a webhook endpoint (url, description, events, active)",
  access: { capability: "webhooks", scope: "record", record: "webhook" },
  params: idParams,
  body: updateWebhookSchema,
  responses: { 200: webhookResponse },
  errors: WRITE_ERRORS,
});

export const deleteWebhook = defineRoute({
  method: "DELETE",
  path: "/api/v1/webhooks/{id}",
  tag: "Webhooks",
  summary: "Delete a webhook endpoint and its delivery log",
  access: { capability: "webhooks", scope: "record", record: "webhook" },
  params: idParams,
  responses: { 204: null },
});

export const listWebhookDeliveries = defineRoute({
  method: "GET",
  path: "/api/v1/webhooks/{id}/deliveries",
  tag: "Webhooks",
  summary: "Delivery log, newest first, 50 a page (?cursor=)",
  access: { capability: "webhooks", scope: "record", record: "webhook" },
  params: idParams,
  query: listDeliveriesQuery,
  responses: { 200: deliveryPageResponse },
  errors: [422],
});

export const testWebhook = defineRoute({
  method: "POST",
  path: "/api/v1/webhooks/{id}/test",
  tag: "Webhooks",
  summary: "Send a signed `ping` event",
  access: { capability: "webhooks", scope: "record", record: "webhook" },
  params: idParams,
  responses: { 202: deliveryResponse },
  errors: [429],
});

export const redeliverWebhook = defineRoute({
  method: "POST",
  path: "/api/v1/webhook-deliveries/{id}/redeliver",
  tag: "Webhooks",
  summary: "Send a delivery again (as a new delivery)",
  access: { capability: "webhooks", scope: "record", record: "webhookDelivery" },
  params: idParams,
  responses: { 202: deliveryResponse },
  errors: [429],
});

export const listConnections = defineRoute({
  method: "GET",
  path: "/api/v1/connections",
  tag: "Connections",
  summary: "Provider connections (hasSecret, never the credential)",
  access: { capability: "view", scope: "workspace" },
  responses: { 200: connectionListResponse },
});

export const createConnection = defineRoute({
  method: "POST",
  path: "/api/v1/connections",
  tag: "Connections",
  summary: "Create a provider connection; its credential is stored encrypted",
  access: { capability: "connections", scope: "workspace" },
  body: createConnectionSchema,
  responses: { 201: connectionResponse },
  errors: [409, ...WRITE_ERRORS],
});

export const updateConnection = defineRoute({
  method: "PATCH",
  path: "/api/v1/connections/{id}",
  tag: "Connections",
  summary: "Rename, change settings, replace or remove the credential",
  access: { capability: "connections", scope: "record", record: "connection" },
  params: idParams,
  body: updateConnectionSchema,
  responses: { 200: connectionResponse },
  errors: [409, ...WRITE_ERRORS],
});

export const deleteConnection = defineRoute({
  method: "DELETE",
  path: "/api/v1/connections/{id}",
  tag: "Connections",
  summary: "Delete a connection no open onboarding uses (409 while one with an active run does)",
  access: { capability: "connections", scope: "record", record: "connection" },
  params: idParams,
  responses: { 204: null },
  errors: [409],
});
