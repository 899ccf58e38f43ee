import "server-only";
// A connection chosen for an onboarding must be the workspace's and fit the role it fills.
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";

/** Which kinds of connection may fill each role: repositories and infrastructure. */
const CONNECTION_ROLES = {
  connectionId: { kinds: ["simulated", "github"], what: "repository" },
  infraConnectionId: { kinds: ["simulated", "cloudflare"], what: "infrastructure" },
} as const;

export async function assertConnection(
  workspaceId: string,
  connectionId: string | null | undefined,
  simulation: unknown,
  field: keyof typeof CONNECTION_ROLES = "connectionId",
) {
  if (!connectionId) return null;
  const connection = await db().providerConnection.findFirst({ where: { id: connectionId, workspaceId } });
  if (!connection) {
    throw new ApiError("validation_failed", "Unknown provider connection.", {
      fields: [{ field, message: "No such connection in this workspace" }],
    });
  }
  const role = CONNECTION_ROLES[field];
  if (!(role.kinds as readonly string[]).includes(connection.kind)) {
    throw new ApiError("validation_failed", `A ${connection.kind} connection cannot be the ${role.what} connection.`, {
      reasonCode: "connection_wrong_role",
      fields: [{ field, message: `Choose a ${role.kinds.join(" or ")} connection`, code: "connection_wrong_role" }],
    });
  }
  if (simulation && connection.kind !== "simulated") {
    throw new ApiError("validation_failed", "Failure injection is only available with the simulated provider.", {
      fields: [
        { field: "simulation", message: `Not allowed with the ${connection.kind} connection "${connection.name}"` },
      ],
    });
  }
  return connection;
}
