// Who "fixes" each simulated Verify Access check. The simulated provider fails a check only when
// `simulation.failCheck` asks it to, so the fix is removing that injection (PUT
// /api/v1/onboarding/:id/simulation); the owners mirror who would fix the real check.
import { OWNER_LABEL, type AssistLookup } from "../access-assist";
import type { FixOwner } from "../types";

const OWNERS: Record<string, { owner: FixOwner; permission: string }> = {
  infra_credentials: { owner: "operator", permission: "Simulated infrastructure credentials" },
  infra_quota: { owner: "provider_admin", permission: "Simulated infrastructure quota" },
  repo_token: { owner: "operator", permission: "Simulated repository credentials" },
  repo_create_permission: {
    owner: "provider_admin",
    permission: "Permission to create repositories on the simulated host",
  },
  template_repository: { owner: "provider_admin", permission: "Read access to the simulated stack template" },
  slug_available: { owner: "operator", permission: "A free repository name on the simulated host" },
};

export const SIMULATED_FIX_DOCS = "/api-docs";

export const simulatedAssist: AssistLookup = (check) => {
  const known = OWNERS[check.key] ?? { owner: "operator" as const, permission: check.label };
  return {
    owner: known.owner,
    ownerLabel: `${OWNER_LABEL[known.owner]}; on the simulated provider, whoever removes the injected failure`,
    permission: `${known.permission} (failing because simulation.failCheck injects it)`,
    href: SIMULATED_FIX_DOCS,
    linkLabel: "Failure injection (API reference)",
  };
};
