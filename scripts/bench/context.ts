// What the phases of the bench share: settings, databases, processes, and the results record.
import type pg from "pg";
import { env } from "@/lib/env/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Child, Web } from "./lib/processes";
import type { LoadResult, OpenLoopResult } from "./lib/load";
import type { MachineInfo } from "./lib/proc";
import type { TableCounters } from "./lib/db-stats";

/**
 * The watch phase's configurations: the wizard's polling before issue 15, the one conditional
 * watch, and the framework floor at the same rate (a route handler answering 304, no work).
 */
export const WATCH_MODES = ["before", "after", "floor"] as const;
export type WatchMode = (typeof WATCH_MODES)[number];

export interface Settings {
  rounds: number;
  quick: boolean;
  /** Closed-loop API load: warm-up and measured window per configuration. */
  apiWarmupMs: number;
  apiWindowMs: number;
  /** Polling: window per operator count; operators poll every pollPeriodMs. */
  pollWindowMs: number;
  pollPeriodMs: number;
  pollLevels: number[];
  contentionWriters: number;
  contentionRounds: number;
  pickupRuns: number;
  pickupRatePerSecond: number;
  pipelineOnboardings: number;
  pipelineBatchSeconds: number;
  /** Onboardings the pipeline keeps in flight per worker slot (BENCH_PIPELINE_INFLIGHT_PER_SLOT). */
  pipelineInflightPerSlot: number;
  workerConcurrency: number;
  /** BENCH_PROFILE=1: CPU-profile the app (adds overhead; for finding where the time goes). */
  profile: boolean;
  /** BENCH_WATCH_MODES=after: the watch phase's configurations (all by default; one to profile it). */
  watchModes: WatchMode[];
}

export function settingsFromEnv(): Settings {
  const quick = process.env.BENCH_QUICK === "1";
  const num = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    rounds: num("BENCH_ROUNDS", quick ? 1 : 3),
    quick,
    apiWarmupMs: quick ? 500 : 1_000,
    apiWindowMs: num("BENCH_API_WINDOW_MS", quick ? 1_500 : 4_000),
    pollWindowMs: num("BENCH_POLL_WINDOW_MS", quick ? 5_000 : 10_000),
    pollPeriodMs: 5_000,
    pollLevels: [100, 500, 1_000],
    contentionWriters: 64,
    contentionRounds: quick ? 2 : 5,
    pickupRuns: num("BENCH_PICKUP_RUNS", quick ? 20 : 200),
    pickupRatePerSecond: 5,
    pipelineOnboardings: num("BENCH_PIPELINE_ONBOARDINGS", quick ? 40 : 1_000),
    pipelineBatchSeconds: num("BENCH_PIPELINE_BATCH_SECONDS", quick ? 10 : 25),
    pipelineInflightPerSlot: num("BENCH_PIPELINE_INFLIGHT_PER_SLOT", 16),
    workerConcurrency: num("BENCH_WORKER_CONCURRENCY", env("WORKER_CONCURRENCY")),
    profile: process.env.BENCH_PROFILE === "1",
    watchModes: WATCH_MODES.filter((m) =>
      (process.env.BENCH_WATCH_MODES ?? WATCH_MODES.join(",")).split(",").includes(m),
    ),
  };
}

export interface BenchDb {
  name: string;
  url: string;
  prisma: PrismaClient;
  /** A plain connection to this database, for pg_stat_user_tables. */
  stats: pg.Client;
}

export interface Operator {
  userId: string;
  email: string;
  cookie: string;
  sessionId: string;
  etag: string;
}

export interface Ctx {
  root: string;
  logDir: string;
  settings: Settings;
  secrets: { NEXTAUTH_SECRET: string; ONRAMP_ENCRYPTION_KEY: string };
  distDir: string;
  /** A connection to the server's `postgres` database (pg_stat_activity, pg_stat_database). */
  admin: pg.Client;
  a: BenchDb;
  b: BenchDb;
  tokenA: string;
  tokenB: string;
  webA: Web | null;
  webB: Web | null;
  bare: (Child & { port: number }) | null;
  /** node:http + pg: the same bytes after the two primary-key reads a GET needs at least. */
  barePg: (Child & { port: number }) | null;
  workers: Child[];
  /** The onboarding the API measurements read. */
  target: { id: string; etag: string; bytes: number };
  operators: Operator[];
  results: Results;
  log(message: string): void;
}

export interface ApiOpenRun {
  round: number;
  target: ApiRun["target"];
  rate: number;
  result: OpenLoopResult;
  serverCpuMsPerRequest: number;
}

export interface ApiRun {
  round: number;
  /** bare: node:http; barePg: node:http + two pg reads; framework: a no-work Next route (same bytes); next: the app. */
  target: "bare" | "barePg" | "framework" | "next";
  auth: "token" | "cookie" | "none";
  concurrency: number;
  /** The expected answer: full read, conditional read, or refused without credentials. */
  mode: "200" | "304" | "401";
  result: LoadResult;
  serverCpuPct: number;
  dbCpuPct: number;
  /** CPU time per request served (warm-up included, like the CPU measured around it). */
  serverCpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
}

export interface CensusEntry {
  name: string;
  calls: number;
  statementsPerCall: number;
  statements: string[];
  /** In-process medians over the calls. */
  wallMs: number;
  sqlMs: number;
  status: number;
}

export interface PollRun {
  round: number;
  operators: number;
  result: OpenLoopResult;
  serverCpuPct: number;
  dbCpuPct: number;
  serverCpuMsPer1000: number;
  dbCpuMsPer1000: number;
}

export interface ContentionRound {
  round: number;
  winners: number;
  conflicts: number;
  other: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  winnerMs: number;
  baselineP50: number;
}

export interface PickupRound {
  round: number;
  mode: "inline" | "standalone";
  runs: number;
  latencies: number[];
  unstarted: number;
}

export interface PipelineBatch {
  round: number;
  workers: number;
  created: number;
  completedOnboardings: number;
  failedOnboardings: number;
  runsCompleted: number;
  seconds: number;
  cappedByTime: boolean;
  webCpuPct: number;
  workerCpuPct: number;
  dbCpuPct: number;
}

/** How busy the machine was during a phase, and how much of that was not the bench. */
export interface TakeoverRound {
  mode: "before" | "after";
  /** kill -9 → another worker holds the lease, per kill. */
  takeoversMs: number[];
  completed: number;
}

export interface PhaseLoad {
  name: string;
  seconds: number;
  /** % of all cores. */
  machineBusyPct: number;
  benchPct: number;
  otherPct: number;
  loadAvg1: number;
}

export interface Results {
  machine: MachineInfo;
  command: string;
  startedAt: number;
  build: { distDir: string; built: boolean; seconds: number; configHonoursDistDir: boolean };
  settings: Settings;
  commit: string;
  dirty: string[];
  replayIdentical: boolean;
  targetBytes: number;
  census: CensusEntry[];
  micro: { name: string; usPerOp: number; note: string }[];
  api: ApiRun[];
  /** GET at a fixed open-loop rate, well below saturation. */
  apiOpen: ApiOpenRun[];
  /** 1,000 operators watching active runs: the wizard's old three polls vs. the one watch. */
  watch: import("./phases/watch").WatchRun[];
  /** The same runs progressing (log lines, heartbeats) with nobody watching, per round: what watching adds is the rest. */
  watchBaseline: { serverCpuPct: number; dbCpuPct: number }[];
  idle: { serverCpuPct: number; dbCpuPct: number };
  polling: PollRun[];
  pollCounters: { polls: number; perPoll: TableCounters } | null;
  contention: ContentionRound[];
  pickup: PickupRound[];
  pipeline: PipelineBatch[];
  takeover: TakeoverRound[];
  /** process → state ("at rest, just started", "peak during …") → VmRSS bytes. */
  memory: Record<string, Record<string, number>>;
  profile: import("./lib/profile").ProfileSummary | null;
  /** Phase 6 (scripts/bench/phases/insights.ts). */
  insights: import("./phases/insights").InsightsBench | null;
  notes: string[];
  failures: string[];
  phases: PhaseLoad[];
  totalSeconds: number;
}
