// Response schema of GET /api/v1/me (no server-only imports: the browser's types come from it).
import { z } from "zod";
import { CAPABILITIES, ROLES } from "./capabilities";

const workspace = z.object({ id: z.string(), slug: z.string(), name: z.string() });

export const meResponse = z
  .object({
    user: z.object({ id: z.string(), email: z.string() }),
    via: z.enum(["session", "token"]).meta({ description: "A browser session cookie or an API token" }),
    workspace: workspace.meta({
      description: "The workspace this request acts in (X-Onramp-Workspace, ?workspace=, else the first)",
    }),
    role: z.enum(ROLES),
    capabilities: z.array(z.enum(CAPABILITIES)),
    workspaces: z.array(workspace.extend({ role: z.enum(ROLES) })),
  })
  .meta({ id: "Me" });
