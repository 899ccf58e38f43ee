import { describe, expect, it } from "vitest";
import type { Query } from "@tanstack/react-query";
import { ApiProblem } from "./api";
import { isRunActive, isSessionActive, POLL_MS, pollWhile } from "./polling";

type Data = { active: boolean };
const query = (data: Data | undefined, error: unknown = null) =>
  ({ state: { data, error } }) as unknown as Query<Data, Error, Data, readonly unknown[]>;
const interval = pollWhile<Data>((d) => !!d?.active);

describe("pollWhile", () => {
  it("polls every 5 s while active and stops when not", () => {
    expect(POLL_MS).toBe(5000);
    expect(interval(query({ active: true }))).toBe(5000);
    expect(interval(query({ active: false }))).toBe(false);
    expect(interval(query(undefined))).toBe(false);
  });

  it("stops for good once the record is gone or access is lost", () => {
    for (const status of [401, 403, 404])
      expect(interval(query({ active: true }, new ApiProblem(status, {}))), String(status)).toBe(false);
  });

  it("keeps polling through transient failures", () => {
    expect(interval(query({ active: true }, new ApiProblem(503, {})))).toBe(5000);
    expect(interval(query({ active: true }, new ApiProblem(0, {})))).toBe(5000);
    expect(interval(query({ active: true }, new Error("offline")))).toBe(5000);
  });
});

describe("active checkpoints", () => {
  it("counts queued and running runs, not finished ones", () => {
    expect(isRunActive({ status: "queued" })).toBe(true);
    expect(isRunActive({ status: "running" })).toBe(true);
    expect(isRunActive({ status: "completed" })).toBe(false);
    expect(isRunActive(undefined)).toBe(false);
  });

  it("counts a verifying or bootstrapping session, or an executor's in-progress report", () => {
    expect(isSessionActive({ lifecycleState: "verifying", status: "pending" })).toBe(true);
    expect(isSessionActive({ lifecycleState: "bootstrapping", status: "in_progress" })).toBe(true);
    expect(isSessionActive({ lifecycleState: "draft", status: "in_progress" })).toBe(true);
    expect(isSessionActive({ lifecycleState: "ready_for_bootstrap", status: "pending" })).toBe(false);
    expect(isSessionActive(null)).toBe(false);
  });

  it("counts a session whose view carries an active run's health, whatever its lifecycle", () => {
    // A re-check's 202: lifecycle action_required, the run queued — it may end before the runs list sees it.
    const health = { state: "healthy", reason: null };
    expect(isSessionActive({ lifecycleState: "action_required", status: "pending", health })).toBe(true);
    expect(isSessionActive({ lifecycleState: "action_required", status: "pending", health: null })).toBe(false);
  });
});
