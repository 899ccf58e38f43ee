// The Insights charts, drawn in plain SVG. Each row is HTML (readable at phone width) with an SVG
// bar; the drawing is hidden from screen readers, which get the same numbers as a table instead.
import type { ReactNode } from "react";
import type { Insights, InsightsDuration } from "@/lib/client/types";

const nf = new Intl.NumberFormat("en-GB");

/** 4.2 s, 3 min 5 s, 2 h 10 min. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.round((s % 86_400) / 3600)} h`;
}

function SrTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  // The wrapper, not the table, is visually hidden: a table never shrinks to sr-only's 1 px and
  // would widen the page at phone width.
  return (
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r[0])}>
              {r.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={i}>{typeof cell === "number" ? nf.format(cell) : cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Label and value on one line, the bar under them at full width: every track has the same length. */
function BarRow({ label, value, children }: { label: ReactNode; value: ReactNode; children: ReactNode }) {
  return (
    <li className="grid grid-cols-[minmax(0,1fr)_auto] items-baseline gap-x-3 gap-y-1">
      <span className="truncate text-sm text-slate-700">{label}</span>
      <span className="text-right text-sm text-slate-900 tabular-nums">{value}</span>
      <span className="col-span-2">{children}</span>
    </li>
  );
}

/** A bar of `fraction` of the track (an SVG scaled to the row's width). */
function Bar({
  fraction,
  className,
  background,
}: {
  fraction: number;
  className: string;
  background?: { fraction: number; className: string };
}) {
  const pct = (f: number) => `${Math.max(0, Math.min(1, f)) * 100}%`;
  return (
    <svg className="block h-3 w-full" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="100%" height="100%" rx="3" className="fill-slate-100" />
      {background ? (
        <rect x="0" y="0" width={pct(background.fraction)} height="100%" rx="3" className={background.className} />
      ) : null}
      <rect x="0" y="0" width={pct(fraction)} height="100%" rx="3" className={className} />
    </svg>
  );
}

const FUNNEL_LABELS: Record<Insights["funnel"][number]["checkpoint"], string> = {
  identify: "Identify (created)",
  connect: "Connect",
  verify_access: "Verify Access",
  bootstrap: "Bootstrap",
  activate: "Activate",
  activated: "Activated",
};

export function FunnelChart({ funnel }: { funnel: Insights["funnel"] }) {
  const total = funnel[0]?.reached ?? 0;
  const share = (n: number) => (total ? `${Math.round((n / total) * 100)}%` : "—");
  return (
    <>
      <ol className="space-y-3" aria-hidden="true">
        {funnel.map((f) => (
          <BarRow
            key={f.checkpoint}
            label={FUNNEL_LABELS[f.checkpoint]}
            value={
              <>
                {nf.format(f.reached)} <span className="text-slate-500">· {share(f.reached)}</span>
              </>
            }
          >
            <Bar fraction={total ? f.reached / total : 0} className="fill-indigo-500" />
          </BarRow>
        ))}
      </ol>
      <SrTable
        caption="Onboardings by furthest checkpoint reached"
        head={["Checkpoint", "Onboardings that reached it", "Share of created"]}
        rows={funnel.map((f) => [FUNNEL_LABELS[f.checkpoint], f.reached, share(f.reached)])}
      />
    </>
  );
}

export function DurationChart({
  rows,
  labels,
  caption,
}: {
  rows: InsightsDuration[];
  labels: Record<string, string>;
  caption: string;
}) {
  const max = Math.max(...rows.map((r) => r.p90Seconds), 0);
  return (
    <>
      <ul className="space-y-3" aria-hidden="true">
        {rows.map((r) => (
          <BarRow
            key={r.key}
            label={labels[r.key] ?? r.key}
            value={
              r.samples ? (
                <>
                  {formatSeconds(r.medianSeconds)}{" "}
                  <span className="text-slate-500">· p90 {formatSeconds(r.p90Seconds)}</span>
                </>
              ) : (
                <span className="text-slate-500">no data</span>
              )
            }
          >
            <Bar
              fraction={max ? r.medianSeconds / max : 0}
              className="fill-indigo-500"
              background={{ fraction: max ? r.p90Seconds / max : 0, className: "fill-indigo-200" }}
            />
          </BarRow>
        ))}
      </ul>
      <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-hidden="true">
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-indigo-500" /> median
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-indigo-200" /> 90th percentile
        </span>
      </p>
      <SrTable
        caption={caption}
        head={["Step", "Median", "90th percentile", "Samples"]}
        rows={rows.map((r) => [
          labels[r.key] ?? r.key,
          r.samples ? formatSeconds(r.medianSeconds) : "no data",
          r.samples ? formatSeconds(r.p90Seconds) : "no data",
          r.samples,
        ])}
      />
    </>
  );
}

const OUTCOMES = [
  { key: "succeeded", label: "Succeeded", fill: "fill-emerald-500", swatch: "bg-emerald-500" },
  { key: "failed", label: "Failed", fill: "fill-rose-500", swatch: "bg-rose-500" },
  { key: "blocked", label: "Blocked", fill: "fill-amber-400", swatch: "bg-amber-400" },
  { key: "cancelled", label: "Cancelled", fill: "fill-slate-400", swatch: "bg-slate-400" },
  { key: "active", label: "Still active", fill: "fill-sky-400", swatch: "bg-sky-400" },
] as const;

export function RunsPerDayChart({ days }: { days: Insights["runsPerDay"] }) {
  const totals = days.map((d) => OUTCOMES.reduce((sum, o) => sum + d[o.key], 0));
  const max = Math.max(...totals, 1);
  const width = days.length * 10;
  const height = 120;
  return (
    <>
      <div aria-hidden="true">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          preserveAspectRatio="none"
          className="block h-32 w-full"
          focusable="false"
        >
          {days.map((d, i) => {
            let y = height;
            return OUTCOMES.map((o) => {
              const h = (d[o.key] / max) * height;
              y -= h;
              return h > 0 ? (
                <rect key={`${d.day}-${o.key}`} x={i * 10 + 1} y={y} width={8} height={h} className={o.fill} />
              ) : null;
            });
          })}
        </svg>
        <div className="mt-1 flex justify-between text-xs text-slate-500 tabular-nums">
          <span>{days[0]?.day}</span>
          <span>peak {nf.format(max)} runs/day</span>
          <span>{days[days.length - 1]?.day}</span>
        </div>
        <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          {OUTCOMES.map((o) => (
            <span key={o.key} className="inline-flex items-center gap-1.5">
              <span className={`size-2.5 rounded-sm ${o.swatch}`} /> {o.label}
            </span>
          ))}
        </p>
      </div>
      <SrTable
        caption="Runs per day by outcome (UTC days)"
        head={["Day", ...OUTCOMES.map((o) => o.label)]}
        rows={days.map((d) => [d.day, ...OUTCOMES.map((o) => d[o.key])])}
      />
    </>
  );
}
