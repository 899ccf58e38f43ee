// Roles → capabilities, in one table. Handlers ask for capabilities, never for roles.
export const ROLES = ["owner", "admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
  "view",
  "manage_drafts",
  "run_operations",
  "activate",
  "cancel",
  "override",
  "audit",
  "tokens",
  "webhooks",
  "members",
  "connections",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const OPERATOR: Capability[] = ["view", "manage_drafts", "run_operations", "activate", "cancel", "audit"];

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  owner: CAPABILITIES,
  admin: CAPABILITIES,
  operator: OPERATOR,
  viewer: ["view", "audit"],
};

export function can(role: Role, capability: Capability): boolean {
  return ROLE_CAPABILITIES[role].includes(capability);
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, owner: 3 };

/** A token may carry at most the role of the user who owns it. */
export function roleAtMost(requested: Role, ceiling: Role): Role {
  return RANK[requested] <= RANK[ceiling] ? requested : ceiling;
}
