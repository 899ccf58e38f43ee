// When the wizard polls: while a checkpoint is active (a run queued or running, or the
// lifecycle verifying/bootstrapping) every 5 s, otherwise not at all — and never after a 404.
import type { Query } from "@tanstack/react-query";
import { ApiProblem } from "./api";
import type { Run, Session } from "./types";

export const POLL_MS = 5000;

const ACTIVE_LIFECYCLES: ReadonlySet<string> = new Set(["verifying", "bootstrapping"]);

export const isRunActive = (run: Pick<Run, "status"> | null | undefined): boolean =>
  !!run && (run.status === "queued" || run.status === "running");

/**
 * A session whose view carries an active run's health is active too: a re-check (or any run
 * the lifecycle does not follow) can end before this tab's runs list has seen it running, and
 * without this the session's actions stayed as the start's answer left them — "a run is active",
 * Re-check disabled — with nothing polling to correct them.
 */
export const isSessionActive = (
  session: (Pick<Session, "lifecycleState" | "status"> & { health?: unknown }) | null | undefined,
): boolean =>
  !!session && (ACTIVE_LIFECYCLES.has(session.lifecycleState) || session.status === "in_progress" || !!session.health);

const gone = (error: unknown) =>
  error instanceof ApiProblem && (error.status === 404 || error.status === 401 || error.status === 403);

/** refetchInterval for a query: 5 s while `active(data)`, off once inactive or gone. */
export function pollWhile<T>(active: (data: T | undefined) => boolean) {
  return (query: Query<T, Error, T, readonly unknown[]>): number | false => {
    if (gone(query.state.error)) return false;
    return active(query.state.data) ? POLL_MS : false;
  };
}
