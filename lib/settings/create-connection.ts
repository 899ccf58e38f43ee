import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { authorize, type Actor } from "@/lib/auth/actor";
import { encryptSecret } from "@/lib/crypto/secrets";
import { recordAudit } from "@/lib/audit/record-audit";
import { isUniqueViolation } from "@/lib/db/errors";
import type { CreateConnectionInput } from "./schemas";
import { serializeConnection } from "./serialize";
import { auditActor, conflict } from "./shared";
import { refuseInternalTarget } from "./refuse-internal-target";

export const connectionNameTaken = (name: string) =>
  conflict("connection_name_taken", `A connection named "${name}" already exists in this workspace.`, {
    fields: [{ field: "name", message: "Already used by another connection", code: "connection_name_taken" }],
  });

/** The credential is encrypted with the connection id as AAD; it never leaves again. */
export async function createConnection(actor: Actor, workspaceId: string, input: CreateConnectionInput) {
  authorize(actor, workspaceId, "connections", "Workspace");
  const id = randomUUID();
  const config = input.kind === "simulated" ? {} : withoutUndefined(input.config);
  await refuseInternalConfigUrls(config);
  try {
    const connection = await db().$transaction(async (tx) => {
      const created = await tx.providerConnection.create({
        data: {
          id,
          workspaceId,
          name: input.name,
          kind: input.kind,
          config,
          secretCiphertext: input.token ? encryptSecret(input.token, id) : null,
        },
      });
      await recordAudit(tx, auditActor(actor), {
        workspaceId,
        action: "connection.created",
        targetType: "connection",
        targetId: id,
        data: { name: created.name, kind: created.kind, config, hasSecret: created.secretCiphertext !== null },
      });
      return created;
    });
    return serializeConnection(connection);
  } catch (err) {
    if (isUniqueViolation(err)) throw connectionNameTaken(input.name);
    throw err;
  }
}

/** The API base URLs a connection's settings name are subject to the address guard. */
export async function refuseInternalConfigUrls(config: Record<string, unknown>): Promise<void> {
  for (const key of ["baseUrl", "apiBaseUrl"]) {
    const value = config[key];
    if (typeof value === "string") await refuseInternalTarget(value, `config.${key}`);
  }
}

export function withoutUndefined(config: Record<string, unknown>): Prisma.InputJsonObject {
  return Object.fromEntries(
    Object.entries(config).filter(([, v]) => v !== undefined && v !== null),
  ) as Prisma.InputJsonObject;
}
