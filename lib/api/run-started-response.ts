import "server-only";
// Shared shape of the session action endpoints (verify-access, bootstrap, resume, deprovision):
// version-checked, answer 202 with the run and the session (200 when an active run is returned).
import { json } from "@/lib/api/handler";
import type { Actor } from "@/lib/auth/actor";
import { viewAfterWrite } from "@/lib/onboarding/queries";
import { serializeSessionView, etagFor } from "@/lib/onboarding/serialize";
import { serializeRun } from "@/lib/runs/serialize";
import type { StartResult } from "@/lib/runs/start-run";
import { authorize } from "@/lib/auth/actor";
import { deriveHealth } from "@/lib/runs/health";
import { RUN_STEPS, type RunKind } from "@/lib/runs/definitions";
import type { SessionView } from "@/lib/onboarding/serialize";
import type {
  startBootstrap,
  startVerifyAccess,
  resumeBootstrap,
  deprovisionOnboarding,
  recheckAccess,
} from "./routes";

type RunActionRoute =
  | typeof startBootstrap
  | typeof startVerifyAccess
  | typeof resumeBootstrap
  | typeof deprovisionOnboarding
  | typeof recheckAccess;

export async function runStartedResponse(route: RunActionRoute, actor: Actor, result: StartResult): Promise<Response> {
  const view = viewAfterStart(actor, result) ?? (await viewAfterWrite(actor, result.session));
  const body = { run: serializeRun(result.run), session: serializeSessionView(view), deduplicated: !result.created };
  const headers = { location: `/api/v1/operation-runs/${result.run.id}`, etag: etagFor(view) };
  // Every run action declares the same RunStarted body for 202 (started) and 200 (the active one).
  return result.created
    ? json(route as typeof startBootstrap, body, { status: 202, headers })
    : json(route as typeof startBootstrap, body, { status: 200, headers });
}

/**
 * The session as a run start left it, without reading it back: the start knows the latest runs,
 * and the new run's health while it is the only active one (queued, no attempt yet). Null when
 * that does not hold (a deduplicated start, another active run): then the caller reads.
 */
function viewAfterStart(actor: Actor, { created, run, runs, session }: StartResult): SessionView | null {
  if (!created || !runs) return null;
  const othersActive = Object.values(runs).some((r) => r && r.id !== run.id && r.status !== "completed");
  if (othersActive) return null;
  const { role } = authorize(actor, session.workspaceId, "view", "Onboarding");
  const steps = RUN_STEPS[run.kind as RunKind].map((s) => ({
    key: s.key,
    label: s.label,
    status: "pending" as const,
    attempts: 0,
  }));
  return { session, runs, role, health: deriveHealth(run, steps, null) };
}
