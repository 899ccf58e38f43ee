import { describe, expect, it } from "vitest";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { queryKeys } from "./query-keys";
import { anyWatchActive, applyWatch, isWatched, logCursor } from "./watch";
import type { LogLine, Run, Session, Watch } from "./types";

const line = (id: number): LogLine => ({
  id: String(id),
  stepKey: null,
  level: "info",
  message: `line ${id}`,
  at: "2026-01-01T00:00:00.000Z",
});
const run = (id: string, status: Run["status"] = "running"): Run =>
  ({
    id,
    sessionId: "s1",
    status,
    kind: "bootstrap",
    steps: [],
    updatedAt: "2026-01-01T00:00:00.000Z",
  }) as unknown as Run;
const session = (version: number) => ({ id: "s1", version, platformName: `v${version}` }) as unknown as Session;
const watch = (version: number, lines: LogLine[], runs = [run("r1")]): Watch =>
  ({
    session: session(version),
    runs,
    notifications: { latestAt: null },
    log: { runId: "r1", lines, cursor: lines.length ? `r1.${lines.at(-1)!.id}` : null },
  }) as Watch;

describe("applyWatch", () => {
  it("fills the session, the runs list and the log run's detail, appending only new lines", () => {
    const qc = new QueryClient();
    applyWatch(qc, "s1", watch(3, [line(1), line(2)]));
    expect(qc.getQueryData<Session>(queryKeys.onboardings.session("s1"))?.version).toBe(3);
    expect(qc.getQueryData<{ items: Run[] }>(queryKeys.onboardings.runs("s1"))?.items.map((r) => r.id)).toEqual(["r1"]);
    expect(logCursor(qc, "r1")).toBe("r1.2");
    applyWatch(qc, "s1", watch(4, [line(2), line(3)], [run("r1", "completed")]));
    const detail = qc.getQueryData<Run>(queryKeys.runs.detail("r1"));
    expect(detail?.log?.map((l) => l.id)).toEqual(["1", "2", "3"]);
    expect(detail?.status).toBe("completed");
  });

  it("keeps a newer session this tab saved, and another run's log", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.onboardings.session("s1"), session(9));
    qc.setQueryData(queryKeys.runs.detail("r0"), { ...run("r0"), log: [line(7)] });
    applyWatch(qc, "s1", watch(8, [], [run("r1"), run("r0", "completed")]));
    expect(qc.getQueryData<Session>(queryKeys.onboardings.session("s1"))?.version).toBe(9);
    const other = qc.getQueryData<Run>(queryKeys.runs.detail("r0"));
    expect(other?.status).toBe("completed");
    expect(other?.log?.map((l) => l.id)).toEqual(["7"]);
    expect(logCursor(qc, "r9")).toBeUndefined();
  });
});

describe("isWatched", () => {
  it("is true only while an enabled watch query of that session has an observer", () => {
    const qc = new QueryClient();
    expect(isWatched(qc, "s1")).toBe(false);
    const options = {
      queryKey: queryKeys.onboardings.watch("s1"),
      queryFn: () => ({ etag: null, logRunId: null, notifiedAt: null }),
    };
    const idle = new QueryObserver(qc, { ...options, enabled: false });
    const stopIdle = idle.subscribe(() => {});
    expect(isWatched(qc, "s1")).toBe(false);
    expect(anyWatchActive(qc)).toBe(false);
    const polling = new QueryObserver(qc, { ...options, enabled: true });
    const stop = polling.subscribe(() => {});
    expect(isWatched(qc, "s1")).toBe(true);
    expect(isWatched(qc, "s2")).toBe(false);
    expect(anyWatchActive(qc)).toBe(true);
    stop();
    stopIdle();
    expect(isWatched(qc, "s1")).toBe(false);
    expect(anyWatchActive(qc)).toBe(false);
  });
});

describe("the bell while watched", () => {
  it("is refreshed when the answer reports a newer notification than the previous one", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.notifications.all(), { items: [], unreadCount: 0 });
    const state = { etag: '"w1-owner"', logRunId: "r1", notifiedAt: null };
    applyWatch(qc, "s1", watch(1, []), state);
    expect(qc.getQueryState(queryKeys.notifications.all())?.isInvalidated).toBe(false);
    applyWatch(qc, "s1", { ...watch(2, []), notifications: { latestAt: "2026-01-01T00:00:05.000Z" } }, state);
    expect(qc.getQueryState(queryKeys.notifications.all())?.isInvalidated).toBe(true);
  });
});
