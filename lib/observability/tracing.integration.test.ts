// One trace per run, with an in-memory span exporter: the POST that starts a bootstrap is the
// parent of the queue job(s) that execute it, which are the parents of all five steps, which
// are the parents of the provider calls. Log lines written inside a span carry its trace id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { context, propagation, trace } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { db } from "@/lib/db/client";
import { callRoute, createWorkspaceWithMember } from "@/test/fixtures";
import * as collection from "@/app/api/v1/onboarding/route";
import * as item from "@/app/api/v1/onboarding/[id]/route";
import * as verify from "@/app/api/v1/onboarding/[id]/verify-access/route";
import * as bootstrap from "@/app/api/v1/onboarding/[id]/bootstrap/route";
import { startWorker } from "@/lib/runs/worker";
import { stopQueue } from "@/lib/queue/queue";
import { enableTracingForTests, traceFields, withSpan } from "./tracing";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let owner: Awaited<ReturnType<typeof createWorkspaceWithMember>>;

beforeAll(async () => {
  provider.register();
  enableTracingForTests(true);
  owner = await createWorkspaceWithMember("owner");
  await startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await stopQueue({ graceful: false });
  enableTracingForTests(false);
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

async function finished(runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await db().operationRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status === "completed") return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(route: typeof verify | typeof bootstrap, id: string, path: string) {
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
  return res.body.run.id as string;
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe("tracing", () => {
  it("puts the POST, the queued job, all five steps and the provider calls in one trace", async () => {
    const created = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: {
        platformName: "Trace Test",
        slug: `trace-${Math.random().toString(36).slice(2, 8)}`,
        tier: "starter",
        simulation: { stepDelayMs: 10 },
      },
    });
    const id = created.body.onboardingId as string;
    await finished(await post(verify, id, "verify-access"));
    // setup_repo fails once (injected): the trace shows where the run stopped, with the error.
    await db().onboardingSession.update({
      where: { id },
      data: { simulation: { stepDelayMs: 10, failStep: "setup_repo", failTimes: 1 } },
    });
    const runId = await post(bootstrap, id, "bootstrap");
    const run = await finished(runId);
    expect(run.outcome).toBe("failed");
    await provider.forceFlush();

    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === "POST /api/v1/onboarding/{id}/bootstrap");
    expect(request, "the request span").toBeDefined();
    const traceId = request!.spanContext().traceId;
    expect(run.traceparent).toBe(`00-${traceId}-${request!.spanContext().spanId}-01`);
    // The run's own log names the trace, for operators to look it up.
    const logs = await db().operationRunLog.findMany({ where: { runId }, orderBy: { id: "asc" } });
    expect(logs[0].message).toBe(`Trace ${traceId}`);
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);

    const jobs = inTrace.filter((s) => s.name === "run bootstrap");
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    for (const job of jobs) expect(parentOf(job)).toBe(request!.spanContext().spanId);
    const jobIds = new Set(jobs.map((j) => j.spanContext().spanId));

    const steps = inTrace.filter((s) => s.name.startsWith("step "));
    expect(steps.map((s) => s.name)).toEqual(["step create_platform", "step provision_infra", "step setup_repo"]);
    for (const s of steps) expect(jobIds.has(parentOf(s)!)).toBe(true);
    expect(steps[2].status.code).toBe(2); // ERROR: the injected failure

    // The verify-access run is its own trace: its request is not in this one.
    expect(inTrace.some((s) => s.name.includes("verify-access"))).toBe(false);

    // Resume (a new request) continues the same run in a new trace, through the last two steps.
    exporter.reset();
    const resumeRoute = await import("@/app/api/v1/onboarding/[id]/resume/route");
    const current = await callRoute(item.GET, {
      url: `http://localhost/api/v1/onboarding/${id}`,
      token: owner.token,
      params: { id },
    });
    const resumed = await callRoute(resumeRoute.POST, {
      method: "POST",
      url: `http://localhost/api/v1/onboarding/${id}/resume`,
      token: owner.token,
      params: { id },
      body: { version: current.body.version },
    });
    expect(resumed.status).toBe(202);
    expect((await finished(runId)).outcome).toBe("succeeded");
    await provider.forceFlush();
    const again = exporter.getFinishedSpans();
    const resumeSpan = again.find((s) => s.name === "POST /api/v1/onboarding/{id}/resume")!;
    const second = again.filter((s) => s.spanContext().traceId === resumeSpan.spanContext().traceId);
    expect(second.filter((s) => s.name.startsWith("step ")).map((s) => s.name)).toEqual([
      "step setup_repo",
      "step deploy_services",
      "step verify",
    ]);
    const providerCalls = second.filter((s) => s.name.startsWith("provider "));
    expect(providerCalls.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "provider simulated.createRepository",
        "provider simulated.deploy",
        "provider simulated.verify",
      ]),
    );
    const stepIds = new Set(second.filter((s) => s.name.startsWith("step ")).map((s) => s.spanContext().spanId));
    // Resume first re-checks access inside the request (lib/runs/reverify.ts): those calls belong
    // to the request span; every other provider call to the step that made it.
    const recheck = providerCalls.filter((s) => s.name.endsWith(".verifyAccess"));
    expect(recheck.length).toBeGreaterThan(0);
    for (const call of recheck) expect(parentOf(call)).toBe(resumeSpan.spanContext().spanId);
    for (const call of providerCalls.filter((s) => !recheck.includes(s)))
      expect(stepIds.has(parentOf(call)!)).toBe(true);
  });

  it("follows one run through all five steps in the trace of the POST that started it", async () => {
    exporter.reset();
    const created = await callRoute(collection.POST, {
      method: "POST",
      url: "http://localhost/api/v1/onboarding",
      token: owner.token,
      body: {
        platformName: "Trace Five",
        slug: `trace5-${Math.random().toString(36).slice(2, 8)}`,
        tier: "starter",
        simulation: { stepDelayMs: 10 },
      },
    });
    const id = created.body.onboardingId as string;
    await finished(await post(verify, id, "verify-access"));
    const run = await finished(await post(bootstrap, id, "bootstrap"));
    expect(run.outcome).toBe("succeeded");
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === "POST /api/v1/onboarding/{id}/bootstrap")!;
    const inTrace = spans.filter((s) => s.spanContext().traceId === request.spanContext().traceId);
    expect(inTrace.filter((s) => s.name.startsWith("step ")).map((s) => s.name)).toEqual([
      "step create_platform",
      "step provision_infra",
      "step setup_repo",
      "step deploy_services",
      "step verify",
    ]);
    expect(inTrace.some((s) => s.name === "run bootstrap")).toBe(true);
  });

  it("gives log lines inside a span its trace id", async () => {
    await withSpan("test", {}, async (span) => {
      expect(traceFields()).toEqual({ traceId: span!.spanContext().traceId, spanId: span!.spanContext().spanId });
    });
    expect(traceFields()).toEqual({});
  });
});
