import "server-only";
// Re-verify before resume: before a failed or cancelled bootstrap continues, the access checks
// its remaining steps depend on run again against the session's current connections (so a
// changed or revoked credential is noticed now, not three steps later). A failing check refuses
// the resume with the blocking reason and its remediation; nothing is queued.
import type { OnboardingSession } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/api/errors";
import { providersFor } from "@/lib/providers/resolve-providers";
import { ProviderError, type AccessCheck, type ProviderContext } from "@/lib/providers/types";
import { STEP_TIMEOUT_MS } from "./definitions";

/** Which provider each bootstrap step talks to. create_platform only writes our own database. */
const NEEDS: Record<string, { infra: boolean; repo: boolean }> = {
  create_platform: { infra: false, repo: false },
  provision_infra: { infra: true, repo: false },
  setup_repo: { infra: false, repo: true },
  deploy_services: { infra: true, repo: true },
  verify: { infra: true, repo: true },
};

export interface RecheckResult {
  checks: AccessCheck[];
}

/** Throws ApiError access_recheck_failed (409) when a check the remaining steps need fails. */
export async function recheckAccessBeforeResume(
  session: OnboardingSession,
  remainingSteps: string[],
): Promise<RecheckResult> {
  const infra = remainingSteps.some((k) => NEEDS[k]?.infra ?? true);
  const repo = remainingSteps.some((k) => NEEDS[k]?.repo ?? true);
  if (!infra && !repo) return { checks: [] };
  const ctx: ProviderContext = {
    workspaceId: session.workspaceId,
    platformSlug: session.slug,
    platformName: session.platformName,
    tier: session.tier,
    stackTemplateId: session.stackTemplateId,
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    log: () => undefined,
  };
  let checks: AccessCheck[];
  try {
    const providers = await providersFor(session);
    const lists = await Promise.all([
      infra ? providers.infra.verifyAccess(ctx) : [],
      repo ? providers.repo.verifyAccess(ctx) : [],
    ]);
    checks = lists.flat();
  } catch (err) {
    const e =
      err instanceof ProviderError
        ? err
        : new ProviderError("access_recheck_error", "The access checks could not run.", { transient: true });
    throw new ApiError("access_recheck_failed", `Resume refused: re-checking access failed (${e.code}): ${e.message}`, {
      reasonCode: e.code,
      extra: {
        blockingReason: e.code,
        remediation: e.remediation ?? "Check the connection in Settings → Connections, then resume again.",
        checks: [],
      },
    });
  }
  const failing = checks.filter((c) => c.status === "fail");
  if (failing.length > 0) {
    const first = failing[0];
    throw new ApiError("access_recheck_failed", `Resume refused: ${first.label}: ${first.message}`, {
      reasonCode: first.reasonCode ?? first.key,
      extra: {
        blockingReason: first.reasonCode ?? first.key,
        remediation: first.remediation ?? "Fix the access problem, then resume again.",
        checks: failing,
      },
    });
  }
  return { checks };
}
