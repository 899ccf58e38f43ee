"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { humanize } from "@/lib/client/format";
import type { Insights, InsightsWindow } from "@/lib/client/types";
import { CHECKPOINT_LABELS, PIPELINE_STEPS } from "@/lib/onboarding/constants";
import { PageHeader } from "../page-header";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { QueryError } from "../ui/query-error";
import { LoadingBlock } from "../ui/skeleton";
import { DurationChart, FunnelChart, RunsPerDayChart } from "./charts";

const WINDOWS: InsightsWindow[] = [7, 30, 90];
const STEP_LABELS: Record<string, string> = Object.fromEntries(PIPELINE_STEPS.map((s) => [s.key, s.label]));
const CHECKPOINT_SPAN_LABELS: Record<string, string> = {
  identify_connect: `${CHECKPOINT_LABELS.identify} & ${CHECKPOINT_LABELS.connect}`,
  verify_access: CHECKPOINT_LABELS.verify_access,
  bootstrap: CHECKPOINT_LABELS.bootstrap,
  activate: CHECKPOINT_LABELS.activate,
};
const nf = new Intl.NumberFormat("en-GB");

export function InsightsDashboard() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const asked = Number(params.get("days"));
  const days: InsightsWindow = WINDOWS.includes(asked as InsightsWindow) ? (asked as InsightsWindow) : 30;
  const insights = useQuery({
    queryKey: queryKeys.insights(days),
    queryFn: ({ signal }) => api.insights(days, signal),
    // Switching the window keeps the previous charts on screen (dimmed) instead of a skeleton.
    placeholderData: keepPreviousData,
  });

  const windowPicker = (
    <fieldset className="flex rounded-lg border border-slate-200 bg-white p-0.5 text-sm">
      <legend className="sr-only">Time window</legend>
      {WINDOWS.map((d) => (
        <label
          key={d}
          className={`cursor-pointer rounded-md px-3 py-1.5 font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${
            d === days ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"
          }`}
        >
          <input
            type="radio"
            name="insights-window"
            value={d}
            checked={d === days}
            onChange={() => router.replace(`${pathname}?days=${d}`, { scroll: false })}
            className="sr-only"
          />
          {d} days
        </label>
      ))}
    </fieldset>
  );

  return (
    <>
      <PageHeader
        title="Insights"
        description="Where onboardings in this workspace get stuck, how long each step takes, and why runs fail."
        actions={windowPicker}
      />
      {insights.isPending ? (
        <Card as="div" className="p-5">
          <LoadingBlock lines={8} label="Loading insights…" />
        </Card>
      ) : insights.isError && !insights.data ? (
        <Card as="div" className="p-5">
          <QueryError error={insights.error} onRetry={() => void insights.refetch()} what="the insights" />
        </Card>
      ) : (
        <div
          className={`grid gap-6 lg:grid-cols-2 ${insights.isPlaceholderData ? "opacity-60" : ""}`}
          aria-busy={insights.isFetching}
        >
          <InsightsBody data={insights.data} />
        </div>
      )}
    </>
  );
}

function InsightsBody({ data }: { data: Insights }) {
  const created = data.funnel[0]?.reached ?? 0;
  const runs = data.runsPerDay.reduce((n, d) => n + d.succeeded + d.failed + d.blocked + d.cancelled + d.active, 0);
  if (created === 0 && runs === 0) {
    return (
      <Card as="div" className="lg:col-span-2">
        <EmptyState title={`No onboardings in the last ${data.days} days`}>
          Insights appear once onboardings are created and their runs finish. Try a longer window.
        </EmptyState>
      </Card>
    );
  }
  return (
    <>
      <Card aria-labelledby="insights-funnel-title">
        <CardHeader
          id="insights-funnel-title"
          title="Funnel"
          description={`${nf.format(created)} onboardings created in the last ${data.days} days, by the furthest checkpoint they reached.`}
        />
        <CardBody>
          <div data-testid="insights-funnel">
            <FunnelChart funnel={data.funnel} />
          </div>
        </CardBody>
      </Card>

      <Card aria-labelledby="insights-reasons-title">
        <CardHeader
          id="insights-reasons-title"
          title="Top failure reasons"
          description="Runs that failed or were blocked, by reason code."
        />
        <CardBody>
          {data.reasonCodes.length === 0 ? (
            <p className="text-sm text-slate-600">No run failed in this window.</p>
          ) : (
            <ol className="divide-y divide-slate-100" data-testid="insights-reason-codes">
              {data.reasonCodes.map((r) => (
                <li key={r.reasonCode} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2.5">
                  <div className="min-w-0">
                    <p className="text-sm font-medium text-slate-900">{humanize(r.reasonCode)}</p>
                    <code className="text-xs break-all text-slate-500">{r.reasonCode}</code>
                  </div>
                  <div className="flex items-baseline gap-3 text-sm tabular-nums">
                    <span className="text-slate-700">
                      {nf.format(r.runs)} {r.runs === 1 ? "run" : "runs"}
                    </span>
                    <Link
                      href={`/?reasonCode=${encodeURIComponent(r.reasonCode)}`}
                      className="font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                    >
                      {nf.format(r.onboardings)} {r.onboardings === 1 ? "onboarding" : "onboardings"}
                      <span className="sr-only"> that failed with {r.reasonCode}</span>
                    </Link>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </CardBody>
      </Card>

      <Card aria-labelledby="insights-steps-title">
        <CardHeader
          id="insights-steps-title"
          title="Time per pipeline step"
          description="Bootstrap steps that succeeded: median and 90th percentile, retries included."
        />
        <CardBody>
          <div data-testid="insights-step-durations">
            <DurationChart rows={data.stepDurations} labels={STEP_LABELS} caption="Time per pipeline step" />
          </div>
        </CardBody>
      </Card>

      <Card aria-labelledby="insights-checkpoints-title">
        <CardHeader
          id="insights-checkpoints-title"
          title="Time per checkpoint"
          description="From arriving at a checkpoint to leaving it: details and connection until Verify Access is requested, runs until they succeed, bootstrap done until activated."
        />
        <CardBody>
          <DurationChart
            rows={data.checkpointDurations}
            labels={CHECKPOINT_SPAN_LABELS}
            caption="Time per checkpoint"
          />
        </CardBody>
      </Card>

      <Card aria-labelledby="insights-runs-title" className="lg:col-span-2">
        <CardHeader
          id="insights-runs-title"
          title="Runs per day"
          description={`${nf.format(runs)} runs requested in the last ${data.days} days (UTC days), by outcome.`}
        />
        <CardBody>
          <RunsPerDayChart days={data.runsPerDay} />
        </CardBody>
      </Card>
    </>
  );
}
