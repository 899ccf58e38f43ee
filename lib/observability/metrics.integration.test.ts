// GET /api/metrics against PostgreSQL with a real pg-boss worker: after a verify + bootstrap and
// a bootstrap with an injected failure, the run, step-histogram, failure and HTTP series move by
// exactly what happened; without the right token nothing is served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import * as metrics from "@/app/api/metrics/route";
import { startWorker } from "@/lib/runs/worker";
import { getBoss, RUN_QUEUE, stopQueue } from "@/lib/queue/queue";
import { parsePrometheus } from "./parse-prometheus";
import { waitFor } from "@/test/wait-for";
import { collectDbMetrics, resetSealedMetrics, type CountRow, type HistogramRow } from "./db-metrics";

const TOKEN = "metrics-test-token-0123456789";
let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  process.env.METRICS_TOKEN = TOKEN;
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
  // The series are totals over every row: a run an earlier file left behind must not end inside
  // the measured window (this worker's sweep would take it over and finish it).
  await waitFor(
    "runs left active by earlier files to end",
    async () => (await db().operationRun.count({ where: { status: { not: "completed" } } })) === 0,
    30_000,
  );
});

afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  await stopQueue({ graceful: false });
});

async function scrape(authorization?: string) {
  const res = await metrics.GET(
    new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }),
  );
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

async function series() {
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return parsePrometheus(res.text);
}

async function finished(runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status === "completed") return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function act(route: typeof verify | typeof bootstrap, id: string, path: string) {
  const current = await callRoute(item.GET, {
    url: `http://localhost/api/v1/onboarding/${id}`,
    token: owner.token,
    params: { id },
  });
  const res = await callRoute(route.POST, {
    method: "POST",
    url: `http://localhost/api/v1/onboarding/${id}/${path}`,
    token: owner.token,
    params: { id },
    body: { version: current.body.version },
  });
  expect(res.status).toBe(202);
  return finished(res.body.run.id);
}

async function onboard(slug: string, simulation: Record<string, unknown>) {
  const created = await callRoute(collection.POST, {
    method: "POST",
    url: "http://localhost/api/v1/onboarding",
    token: owner.token,
    body: { platformName: "Metrics Test", slug, tier: "starter", simulation: { stepDelayMs: 10, ...simulation } },
  });
  expect(created.status).toBe(202);
  const id = created.body.onboardingId as string;
  expect((await act(verify, id, "verify-access")).outcome).toBe("succeeded");
  return { id, bootstrap: await act(bootstrap, id, "bootstrap") };
}

describe("GET /api/metrics", () => {
  it("is refused without the token, with a wrong one, and answers 404 when no token is configured", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer wrong-token-wrong-token")).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
    delete process.env.METRICS_TOKEN;
    try {
      expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
    }
  });

  it("counts the runs, step durations, failure reason codes and requests of a verify + bootstrap and an injected failure", async () => {
    const before = await series();
    const suffix = Math.random().toString(36).slice(2, 8);
    const ok = await onboard(`metrics-ok-${suffix}`, {});
    expect(ok.bootstrap.outcome).toBe("succeeded");
    const bad = await onboard(`metrics-bad-${suffix}`, { failStep: "setup_repo", failTimes: 0 });
    expect(bad.bootstrap.outcome).toBe("failed");
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = parsePrometheus(res.text);
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

    expect(delta('onramp_runs_started_total{kind="verify_access"}')).toBe(2);
    expect(delta('onramp_runs_started_total{kind="bootstrap"}')).toBe(2);
    expect(delta('onramp_runs_finished_total{kind="verify_access",outcome="succeeded"}')).toBe(2);
    expect(delta('onramp_runs_finished_total{kind="bootstrap",outcome="succeeded"}')).toBe(1);
    expect(delta('onramp_runs_finished_total{kind="bootstrap",outcome="failed"}')).toBe(1);
    expect(delta('onramp_run_failures_total{kind="bootstrap",reason_code="step_failed:setup_repo"}')).toBe(1);
    expect(delta('onramp_step_failures_total{kind="bootstrap",step="setup_repo",code="simulated_failure"}')).toBe(1);

    const step = (name: string, outcome: string) =>
      `{kind="bootstrap",provider="simulated",step="${name}",outcome="${outcome}"}`;
    expect(delta(`onramp_step_duration_seconds_count${step("setup_repo", "succeeded")}`)).toBe(1);
    expect(delta(`onramp_step_duration_seconds_count${step("setup_repo", "failed")}`)).toBe(1);
    expect(
      delta(
        `onramp_step_duration_seconds_count{kind="bootstrap",provider="onramp",step="create_platform",outcome="succeeded"}`,
      ),
    ).toBe(2);
    expect(delta(`onramp_step_duration_seconds_count${step("provision_infra", "succeeded")}`)).toBe(2);
    expect(delta(`onramp_step_duration_seconds_count${step("verify", "succeeded")}`)).toBe(1);
    // The failed run skipped the steps after setup_repo: they have no duration.
    expect(delta(`onramp_step_duration_seconds_count${step("verify", "skipped")}`)).toBe(0);
    // Each histogram is consistent: +Inf bucket = count, buckets never decrease, sum > 0.
    const bucketInf = `onramp_step_duration_seconds_bucket{kind="bootstrap",provider="simulated",step="setup_repo",outcome="succeeded",le="+Inf"}`;
    expect(after.get(bucketInf)).toBe(
      after.get(`onramp_step_duration_seconds_count${step("setup_repo", "succeeded")}`),
    );
    expect(after.get(`onramp_step_duration_seconds_sum${step("setup_repo", "succeeded")}`)).toBeGreaterThan(0);

    expect(
      delta(
        'onramp_http_request_duration_seconds_count{method="POST",route="/api/v1/onboarding/{id}/bootstrap",status="202"}',
      ),
    ).toBe(2);
    expect(
      delta('onramp_http_request_duration_seconds_count{method="POST",route="/api/v1/onboarding",status="202"}'),
    ).toBe(2);
    expect(after.get('onramp_runs_active{kind="bootstrap",status="running",health="healthy"}') ?? 0).toBe(0);
    // Labels are bounded: no ids or slugs anywhere.
    for (const secret of [ok.id, bad.id, ok.bootstrap.id, `metrics-ok-${suffix}`, owner.workspace.id])
      expect(res.text).not.toContain(secret);
  });

  it("shows the jobs waiting in the queue", async () => {
    const boss = await getBoss();
    const before = (await series()).get('onramp_queue_jobs{queue="operation-run",state="created"}') ?? 0;
    // Not due for an hour: it waits in the queue while we look.
    const jobId = await boss.send(RUN_QUEUE, { runId: "metrics-test-no-such-run" }, { startAfter: 3600 });
    try {
      expect((await series()).get('onramp_queue_jobs{queue="operation-run",state="created"}')).toBe(before + 1);
    } finally {
      await boss.deleteJob(RUN_QUEUE, jobId!);
    }
  });

  it("gives the same totals whether finished rows are counted in the sealed past or live", async () => {
    // Sums of seconds added in a different order may differ in the last bits of a double: compare them to the microsecond.
    const rounded = (row: CountRow | HistogramRow) =>
      "sum" in row ? { ...row, sum: Math.round(row.sum * 1e6) / 1e6 } : row;
    const sorted = (rows: (CountRow | HistogramRow)[]) =>
      [...rows].map(rounded).sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
    resetSealedMetrics();
    const live = await collectDbMetrics(); // this file's rows finished minutes ago: all in the live tail
    resetSealedMetrics();
    const tomorrow = new Date(Date.now() + 86_400_000);
    const sealed = await collectDbMetrics(tomorrow); // everything sealed, the live tail empty
    const cached = await collectDbMetrics(tomorrow); // the sealed past served from memory
    resetSealedMetrics();
    expect(live.stepDuration.length).toBeGreaterThan(0);
    for (const key of ["runsFinished", "runFailures", "stepFailures", "stepDuration", "runPickup"] as const) {
      expect(sorted(sealed[key]), key).toEqual(sorted(live[key]));
      expect(sorted(cached[key]), key).toEqual(sorted(live[key]));
    }
  });
});
