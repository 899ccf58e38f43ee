// The verification assist, provider-independent part: every warn/fail check of a Verify Access
// report carries who can fix it, the exact permission or setting and the page where it is fixed.
// Each provider knows its own checks (github/access-remediation.ts, cloudflare/…, simulated/…);
// this attaches what they say to the checks, with a fallback so no warn/fail goes without one.
import type { AccessCheck, CheckAssist, FixOwner } from "./types";

/** What a provider answers for one of its checks; null = it has nothing specific to say. */
export type AssistLookup = (check: AccessCheck) => CheckAssist | null;

export const OWNER_LABEL: Record<FixOwner, string> = {
  operator: "You (the operator)",
  workspace_admin: "An admin of this Onramp workspace",
  provider_admin: "An admin of the provider account",
};

const FALLBACK: CheckAssist = {
  owner: "workspace_admin",
  ownerLabel: OWNER_LABEL.workspace_admin,
  permission: "The provider connection used by this onboarding",
  href: "/settings/connections",
  linkLabel: "Settings → Connections",
};

export function attachAssist(checks: AccessCheck[], lookup: AssistLookup): AccessCheck[] {
  return checks.map((check) => {
    if (check.status === "pass") {
      const { assist: _drop, ...rest } = check;
      void _drop;
      return rest;
    }
    return { ...check, assist: lookup(check) ?? FALLBACK };
  });
}

/** Wraps a provider so its Verify Access report carries the assist (the provider object keeps its identity). */
export function withAssist<P extends { verifyAccess(ctx: C): Promise<AccessCheck[]> }, C>(
  provider: P,
  lookup: AssistLookup,
): P {
  const original = provider.verifyAccess.bind(provider);
  provider.verifyAccess = async (ctx: C) => attachAssist(await original(ctx), lookup);
  return provider;
}
