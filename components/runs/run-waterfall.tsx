"use client";
// The run's waterfall: one row per step, a bar per attempt (green succeeded, amber retried, red
// failed, striped grey when the worker was lost and the run taken over), the backoff before the
// next attempt as a dashed gap, and the queue wait before the first attempt. Exact times on hover
// (<title>), and the same data as a table with it (under the chart: the chart needs the width).
import { formatDuration } from "@/lib/client/format";
import type { Run, RunAttempt } from "@/lib/client/types";

const ROW = 30;
const LABEL_W = 175;
const CHART_W = 760;
const PAD = 8;

const FILL: Record<string, string> = {
  succeeded: "#10b981",
  retrying: "#f59e0b",
  failed: "#ef4444",
  cancelled: "#94a3b8",
  lost: "url(#lost)",
  running: "#6366f1",
};

const OUTCOME_TEXT: Record<string, string> = {
  succeeded: "succeeded",
  retrying: "failed, retried",
  failed: "failed",
  cancelled: "cancelled",
  lost: "worker lost (no heartbeat) — taken over",
  running: "running",
};

const t = (iso: string) => new Date(iso).getTime();
const clock = (ms: number) =>
  new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) +
  `.${String(ms % 1000).padStart(3, "0")}`;

interface Bar {
  a: RunAttempt;
  start: number;
  end: number;
  outcome: string;
}

export function RunWaterfall({ run }: { run: Run }) {
  const attempts = run.attempts ?? [];
  // An attempt still open is drawn up to the run's last sign of life (its latest heartbeat).
  const now = Math.max(t(run.updatedAt), run.heartbeatAt ? t(run.heartbeatAt) : 0);
  if (attempts.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No step has started yet{run.status === "queued" ? " — the run is waiting for a worker" : ""}.
      </p>
    );
  }
  const steps = (run.steps ?? []).filter((s) => attempts.some((a) => a.stepKey === s.key));
  const origin = t(run.createdAt);
  const bars: Bar[] = attempts.map((a) => ({
    a,
    start: t(a.startedAt),
    end: a.finishedAt ? t(a.finishedAt) : run.finishedAt ? t(run.finishedAt) : now,
    outcome: a.outcome ?? (run.finishedAt ? "cancelled" : "running"),
  }));
  const lastEnd = Math.max(
    ...bars.map((b) => b.end + (b.outcome === "retrying" ? (b.a.backoffMs ?? 0) : 0)),
    run.finishedAt ? t(run.finishedAt) : 0,
  );
  const span = Math.max(lastEnd - origin, 1);
  const x = (ms: number) => LABEL_W + ((ms - origin) / span) * CHART_W;
  const firstStart = Math.min(...bars.map((b) => b.start));
  const height = PAD * 2 + ROW * (steps.length + 1) + 18;

  return (
    <div className="grid gap-5">
      <figure className="min-w-0">
        <svg
          viewBox={`0 0 ${LABEL_W + CHART_W + PAD} ${height}`}
          className="w-full"
          role="img"
          aria-label={`Timeline of ${attempts.length} attempt(s) over ${formatDuration(span)}; the table beside it lists them`}
          data-testid="run-waterfall"
        >
          <defs>
            <pattern id="lost" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#e2e8f0" />
              <rect width="3" height="6" fill="#94a3b8" />
            </pattern>
          </defs>
          {/* queue wait */}
          <g data-kind="queue-wait">
            <text x={4} y={PAD + ROW / 2 + 4} className="fill-slate-600 text-[12px]">
              Queue wait
            </text>
            <rect
              x={x(origin)}
              y={PAD + 8}
              width={Math.max(x(firstStart) - x(origin), 1)}
              height={ROW - 16}
              fill="#cbd5e1"
              rx={2}
            >
              <title>{`Queued ${clock(origin)} → first attempt ${clock(firstStart)} (${formatDuration(firstStart - origin)})`}</title>
            </rect>
          </g>
          {steps.map((s, i) => {
            const y = PAD + ROW * (i + 1);
            return (
              <g key={s.key} data-step={s.key}>
                <text x={4} y={y + ROW / 2 + 4} className="fill-slate-800 text-[12px]">
                  {s.label.length > 26 ? `${s.label.slice(0, 25)}…` : s.label}
                </text>
                <line x1={LABEL_W} x2={LABEL_W + CHART_W} y1={y + ROW / 2} y2={y + ROW / 2} stroke="#f1f5f9" />
                {bars
                  .filter((b) => b.a.stepKey === s.key)
                  .map((b) => (
                    <g key={`${b.a.startedAt}-${b.a.attempt}`} data-outcome={b.outcome}>
                      <rect
                        x={x(b.start)}
                        y={y + 5}
                        width={Math.max(x(b.end) - x(b.start), 2)}
                        height={ROW - 10}
                        fill={FILL[b.outcome] ?? "#6366f1"}
                        rx={2}
                      >
                        <title>
                          {`${s.label}, attempt ${b.a.attempt} (lease ${b.a.leaseGeneration}${b.a.workerId ? `, worker ${b.a.workerId}` : ""}): ${clock(b.start)} → ${clock(b.end)}, ${formatDuration(b.end - b.start)} — ${OUTCOME_TEXT[b.outcome] ?? b.outcome}${b.a.errorCode ? ` (${b.a.errorCode})` : ""}`}
                        </title>
                      </rect>
                      {b.outcome === "retrying" && b.a.backoffMs ? (
                        <line
                          x1={x(b.end)}
                          x2={x(b.end + b.a.backoffMs)}
                          y1={y + ROW / 2}
                          y2={y + ROW / 2}
                          stroke="#f59e0b"
                          strokeWidth={2}
                          strokeDasharray="3 3"
                          data-kind="backoff"
                        >
                          <title>{`Backoff ${formatDuration(b.a.backoffMs)}: ${clock(b.end)} → ${clock(b.end + b.a.backoffMs)}`}</title>
                        </line>
                      ) : null}
                      {b.outcome === "lost" ? (
                        <path d={`M ${x(b.end)} ${y + 1} l 4 -5 l -8 0 z`} fill="#ef4444" data-kind="takeover">
                          <title>{`Takeover at ${clock(b.end)}: the worker stopped heartbeating; the run went to another worker`}</title>
                        </path>
                      ) : null}
                    </g>
                  ))}
              </g>
            );
          })}
          <g className="fill-slate-500 text-[10px]">
            <text x={LABEL_W} y={height - 4}>
              0 s
            </text>
            <text x={LABEL_W + CHART_W} y={height - 4} textAnchor="end">
              {formatDuration(span)}
            </text>
          </g>
        </svg>
        <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          <Legend color="#cbd5e1" label="queue wait" />
          <Legend color="#10b981" label="succeeded" />
          <Legend color="#f59e0b" label="failed, retried (dashed: backoff)" />
          <Legend color="#ef4444" label="failed" />
          <Legend color="#94a3b8" label="worker lost, taken over" striped />
        </figcaption>
      </figure>
      <AttemptTable run={run} bars={bars} origin={origin} />
    </div>
  );
}

function Legend({ color, label, striped }: { color: string; label: string; striped?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <span
        aria-hidden
        className="inline-block size-3 rounded-sm"
        style={{ background: striped ? `repeating-linear-gradient(45deg, ${color} 0 2px, #e2e8f0 2px 4px)` : color }}
      />
      {label}
    </span>
  );
}

function AttemptTable({ run, bars, origin }: { run: Run; bars: Bar[]; origin: number }) {
  const label = (key: string) => run.steps?.find((s) => s.key === key)?.label ?? key;
  return (
    <div className="max-h-96 overflow-auto rounded-lg ring-1 ring-slate-200">
      <table className="w-full text-left text-xs" data-testid="run-attempts-table">
        <caption className="sr-only">Every attempt of every step, with exact times</caption>
        <thead className="sticky top-0 bg-slate-50 text-slate-600">
          <tr>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Step
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              #
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Start (+s)
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Took
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Outcome
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {bars.map((b) => (
            <tr key={`${b.a.stepKey}-${b.a.startedAt}`}>
              <th scope="row" className="px-2 py-1.5 font-normal text-slate-900">
                {label(b.a.stepKey)}
              </th>
              <td className="px-2 py-1.5 tabular-nums">{b.a.attempt}</td>
              <td className="px-2 py-1.5 tabular-nums">
                <time dateTime={b.a.startedAt} title={b.a.startedAt}>
                  {clock(b.start)} (+{((b.start - origin) / 1000).toFixed(1)})
                </time>
              </td>
              <td className="px-2 py-1.5 tabular-nums">{formatDuration(b.end - b.start)}</td>
              <td className="px-2 py-1.5">
                {OUTCOME_TEXT[b.outcome] ?? b.outcome}
                {b.a.errorCode ? (
                  <code className="ml-1 font-mono text-[11px] text-slate-500">{b.a.errorCode}</code>
                ) : null}
                {b.outcome === "retrying" && b.a.backoffMs ? (
                  <span className="text-slate-500"> · backoff {formatDuration(b.a.backoffMs)}</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
