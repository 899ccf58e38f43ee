// Request and response schemas of the settings API (tokens, webhooks, connections, members,
// platforms). The same zod schemas validate requests and can be registered in openapi.json.
import { z } from "zod";
import { ROLES } from "@/lib/auth/capabilities";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/outbox";
import { TIERS } from "@/lib/onboarding/constants";

const text = (max: number) => z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);
const iso = z.iso.datetime();

/** http(s) only: webhooks and API base URLs are fetched by the server. */
const httpUrl = z
  .url({ protocol: /^https?$/, error: "Must be an http:// or https:// URL" })
  .max(2000, "At most 2000 characters");

// GitHub's own rules: logins are alphanumeric with single inner hyphens, repos a safe charset.
const githubLogin = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "A GitHub user or organisation name");
const githubRepo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, "A GitHub repository name")
  .refine((v) => v !== "." && v !== "..", "A GitHub repository name");
const credential = z
  .string()
  .trim()
  .min(1, "Required")
  .max(1000, "At most 1000 characters")
  .regex(/^\S+$/, "A token has no spaces")
  .meta({ description: "The credential; stored encrypted and never returned", writeOnly: true });

const uniqueEvents = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, "Choose at least one event")
  .max(WEBHOOK_EVENTS.length * 4)
  .transform((events) => [...new Set(events)]);

const atLeastOneField = <T extends Record<string, unknown>>(b: T) => Object.values(b).some((v) => v !== undefined);

// ── API tokens ──────────────────────────────────────────────────────────────────────────

export const createTokenSchema = z
  .strictObject({
    name: text(100).meta({ description: "What the token is for", example: "CI deploys" }),
    role: z.enum(ROLES).meta({ description: "Role the token acts with; capped at your own role" }),
    expiresInDays: z.int().min(1).max(3650).optional().meta({ description: "Omit for a token that does not expire" }),
  })
  .meta({ id: "CreateApiToken" });
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "First characters of the token, to recognise it" }),
    role: z.enum(ROLES),
    userId: z.string(),
    ownerEmail: z.string(),
    createdAt: iso,
    lastUsedAt: iso.nullable(),
    revokedAt: iso.nullable(),
    expiresAt: iso.nullable(),
  })
  .meta({ id: "ApiToken" });

export const tokenCreatedResponse = tokenResponse
  .extend({ token: z.string().meta({ description: "The token itself; shown this once, never again" }) })
  .meta({ id: "ApiTokenCreated" });

// ── Webhooks ────────────────────────────────────────────────────────────────────────────

export const createWebhookSchema = z
  .strictObject({
    url: httpUrl.meta({ example: "https://hooks.example.com/onramp" }),
    description: text(500).optional(),
    events: uniqueEvents.meta({ description: "Events to deliver" }),
  })
  .meta({ id: "CreateWebhook" });
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .strictObject({
    url: httpUrl.optional(),
    description: text(500).nullable().optional().meta({ description: "null clears it" }),
    events: uniqueEvents.optional(),
    active: z.boolean().optional().meta({ description: "An inactive endpoint receives no events" }),
  })
  .refine(atLeastOneField, { message: "Nothing to change", path: [] })
  .meta({ id: "UpdateWebhook" });
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export const webhookResponse = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    active: z.boolean(),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: "WebhookEndpoint" });

export const webhookCreatedResponse = webhookResponse
  .extend({
    secret: z.string().meta({ description: "Signing secret (whsec_…); shown this once, never again" }),
  })
  .meta({ id: "WebhookEndpointCreated" });

export const deliveryResponse = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    event: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.int(),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: iso,
    deliveredAt: iso.nullable(),
    nextAttemptAt: iso.nullable(),
  })
  .meta({ id: "WebhookDelivery" });

export const listDeliveriesQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  workspace: z.string().max(100).optional(),
});

// ── Provider connections ────────────────────────────────────────────────────────────────

export const githubConfigSchema = z
  .strictObject({
    org: githubLogin.meta({ description: "Organisation the platform repositories are created in" }),
    templateOwner: githubLogin.meta({ description: "Owner of the stack template repository" }),
    templateRepo: githubRepo.meta({ description: "The stack template repository (is_template)" }),
    baseUrl: httpUrl
      .optional()
      .meta({ description: "GitHub API base URL (GitHub Enterprise); default api.github.com" }),
  })
  .meta({ id: "GitHubConnectionConfig" });
export type GitHubConfigInput = z.infer<typeof githubConfigSchema>;

export const cloudflareConfigSchema = z
  .strictObject({
    accountId: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{32}$/, "The 32-character account ID from the Cloudflare dashboard")
      .meta({ description: "Cloudflare account the platform's infrastructure is created in" }),
    apiBaseUrl: httpUrl.optional().meta({
      description:
        "Cloudflare API base URL (a proxy, or a local fake in tests); default https://api.cloudflare.com/client/v4",
    }),
  })
  .meta({ id: "CloudflareConnectionConfig" });

/** The settings each kind of connection has (a simulated connection has none). */
export const CONNECTION_CONFIG_SCHEMAS = { github: githubConfigSchema, cloudflare: cloudflareConfigSchema } as const;

export const createConnectionSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      name: text(100),
      kind: z.literal("github"),
      config: githubConfigSchema,
      token: credential,
    }),
    z.strictObject({
      name: text(100),
      kind: z.literal("cloudflare"),
      config: cloudflareConfigSchema,
      token: credential,
    }),
    z.strictObject({
      name: text(100),
      kind: z.literal("simulated"),
      config: z.strictObject({}).optional(),
      token: credential.optional(),
    }),
  ])
  .meta({ id: "CreateConnection" });
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

export const updateConnectionSchema = z
  .strictObject({
    name: text(100).optional(),
    config: z
      .strictObject({
        org: githubLogin.optional(),
        templateOwner: githubLogin.optional(),
        templateRepo: githubRepo.optional(),
        baseUrl: httpUrl.nullable().optional().meta({ description: "null goes back to api.github.com" }),
        accountId: z
          .string()
          .trim()
          .regex(/^[0-9a-f]{32}$/, "A 32-character Cloudflare account ID")
          .optional(),
        apiBaseUrl: httpUrl.nullable().optional().meta({ description: "null goes back to api.cloudflare.com" }),
      })
      .optional()
      .meta({ description: "Fields given replace the current ones; the others are kept" }),
    token: credential.nullable().optional().meta({ description: "A new credential; null removes it" }),
  })
  .refine(atLeastOneField, { message: "Nothing to change", path: [] })
  .meta({ id: "UpdateConnection" });
export type UpdateConnectionInput = z.infer<typeof updateConnectionSchema>;

export const connectionResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["simulated", "github", "cloudflare"]),
    config: z
      .object({
        org: z.string().optional(),
        templateOwner: z.string().optional(),
        templateRepo: z.string().optional(),
        baseUrl: z.string().optional(),
        accountId: z.string().optional(),
        apiBaseUrl: z.string().optional(),
      })
      .meta({
        description: "The kind's settings (GitHubConnectionConfig, CloudflareConnectionConfig; none for simulated)",
      }),
    hasSecret: z.boolean(),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: "Connection" });

// ── Members ─────────────────────────────────────────────────────────────────────────────

export const updateMemberSchema = z.strictObject({ role: z.enum(ROLES) }).meta({ id: "UpdateMember" });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const userIdParams = z.object({
  userId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id"),
});

export const memberResponse = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    joinedAt: iso,
  })
  .meta({ id: "Member" });

// ── Platforms ───────────────────────────────────────────────────────────────────────────

export const PLATFORM_STATUSES = ["provisioning", "active", "suspended", "deprovisioned"] as const;

export const listPlatformsQuery = z.strictObject({
  status: z.enum(PLATFORM_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  workspace: z.string().max(100).optional(),
});
export type ListPlatformsQuery = z.infer<typeof listPlatformsQuery>;

export const platformResponse = z
  .object({
    id: z.string(),
    slug: z.string(),
    tier: z.enum(TIERS),
    status: z.enum(PLATFORM_STATUSES),
    repoUrl: z.string().nullable(),
    deploymentUrl: z.string().nullable(),
    createdAt: iso,
    activatedAt: iso.nullable(),
    onboardingId: z.string().nullable(),
    platformName: z.string().nullable(),
  })
  .meta({ id: "Platform" });

// ── Lists ───────────────────────────────────────────────────────────────────────────────

export const tokenListResponse = z.object({ items: z.array(tokenResponse) }).meta({ id: "ApiTokenList" });
export const webhookListResponse = z.object({ items: z.array(webhookResponse) }).meta({ id: "WebhookEndpointList" });
export const deliveryPageResponse = z
  .object({ items: z.array(deliveryResponse), nextCursor: z.string().nullable() })
  .meta({ id: "WebhookDeliveryPage" });
export const connectionListResponse = z.object({ items: z.array(connectionResponse) }).meta({ id: "ConnectionList" });
export const memberListResponse = z.object({ items: z.array(memberResponse) }).meta({ id: "MemberList" });
export const platformPageResponse = z
  .object({ items: z.array(platformResponse), nextCursor: z.string().nullable() })
  .meta({ id: "PlatformPage" });
