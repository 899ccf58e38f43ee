import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/api/errors";
import { zodFields } from "@/lib/api/problem";
import type { Actor } from "@/lib/auth/actor";
import { encryptSecret } from "@/lib/crypto/secrets";
import { recordAudit } from "@/lib/audit/record-audit";
import { isUniqueViolation } from "@/lib/db/errors";
import { connectionNameTaken, refuseInternalConfigUrls, withoutUndefined } from "./create-connection";
import { loadConnectionFor } from "./load-for";
import { CONNECTION_CONFIG_SCHEMAS, type UpdateConnectionInput } from "./schemas";
import { serializeConnection } from "./serialize";
import { auditActor } from "./shared";

/** Config fields given replace the current ones (null removes baseUrl); the result must be complete. */
export async function updateConnection(actor: Actor, id: string, input: UpdateConnectionInput) {
  const before = await loadConnectionFor(actor, id, "connections");
  const data: Prisma.ProviderConnectionUpdateInput = {};
  if (input.name !== undefined) data.name = input.name;
  if (input.config !== undefined) {
    const config = mergedConfig(before.kind, before.config, input.config);
    await refuseInternalConfigUrls(config);
    data.config = config;
  }
  if (input.token !== undefined)
    data.secretCiphertext = input.token === null ? null : encryptSecret(input.token, before.id);
  try {
    const after = await db().$transaction(async (tx) => {
      const updated = await tx.providerConnection.update({ where: { id }, data });
      await recordAudit(tx, auditActor(actor), {
        workspaceId: before.workspaceId,
        action: "connection.updated",
        targetType: "connection",
        targetId: id,
        data: {
          changed: Object.keys(input).filter((k) => input[k as keyof UpdateConnectionInput] !== undefined),
          before: {
            name: before.name,
            config: before.config as Prisma.InputJsonValue,
            hasSecret: before.secretCiphertext !== null,
          },
          after: {
            name: updated.name,
            config: updated.config as Prisma.InputJsonValue,
            hasSecret: updated.secretCiphertext !== null,
          },
          ...(input.token !== undefined ? { credential: input.token === null ? "removed" : "replaced" } : {}),
        },
      });
      return updated;
    });
    return serializeConnection(after);
  } catch (err) {
    if (isUniqueViolation(err) && input.name) throw connectionNameTaken(input.name);
    throw err;
  }
}

function mergedConfig(
  kind: string,
  current: unknown,
  patch: NonNullable<UpdateConnectionInput["config"]>,
): Prisma.InputJsonObject {
  const schema = kind === "github" || kind === "cloudflare" ? CONNECTION_CONFIG_SCHEMAS[kind] : null;
  if (!schema) {
    const given = Object.keys(withoutUndefined(patch));
    if (given.length === 0) return {};
    throw new ApiError("validation_failed", `A ${kind} connection has no settings.`, {
      fields: given.map((k) => ({ field: `config.${k}`, message: `Not a setting of a ${kind} connection` })),
    });
  }
  const merged: Record<string, unknown> = { ...((current ?? {}) as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    throw new ApiError("validation_failed", "The connection settings are incomplete or invalid.", {
      fields: zodFields(result.error).map((f) => ({ ...f, field: `config.${f.field}` })),
    });
  }
  return withoutUndefined(result.data);
}
