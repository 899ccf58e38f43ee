// Every environment variable Onramp reads, with its type and default, in one table. A value
// that does not parse stops the start (`assertValidEnv`, called by `npm start`, `npm run
// worker`, `npm run admin` and the server's instrumentation) with a message naming the
// variable and what it accepts — never a silent NaN. Values are read when asked for, not
// cached, so tests and the launcher may set them after this module is loaded.
import { z } from "zod";

const positiveInt = (max = 1_000_000_000) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1, "at least 1").max(max, `at most ${max}`));
const bool = z.enum(["true", "false"], { error: "true or false" }).transform((v) => v === "true");
const httpUrl = z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" });
const text = z.string().min(1, "not empty");

/** name → [schema of the raw string, default (as it would be written), what it means]. */
const SPEC = {
  PORT: [positiveInt(65_535), "3000", "HTTP port"],
  DATABASE_POOL_MAX: [positiveInt(1000), "10", "Prisma connection pool per process"],
  DATABASE_HOT_POOL_MAX: [
    positiveInt(1000),
    "4",
    "plain pg pool per process for the hot statements and transactions (caller, record, watch tag, step bookkeeping, run starts and ends, creates, saves)",
  ],
  DATABASE_PREPARED_STATEMENTS: [
    bool,
    "true",
    "send named (prepared) statements; false behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21)",
  ],
  QUEUE_POOL_MAX: [positiveInt(1000), "4", "pg-boss connection pool per process"],
  WORKER_CONCURRENCY: [positiveInt(1000), "4", "runs a worker process executes at once"],
  SIMULATED_STEP_DELAY_MS: [
    z.string().trim().regex(/^\d+$/, "a whole number of milliseconds").transform(Number),
    "1500",
    "duration of a simulated step",
  ],
  STEP_TIMEOUT_MS: [positiveInt(), "15000", "a step's time budget"],
  STEP_MAX_ATTEMPTS: [positiveInt(100), "4", "attempts of a step on transient errors"],
  STEP_RETRY_BASE_MS: [positiveInt(), "500", "first backoff between attempts"],
  RUN_HEARTBEAT_MS: [positiveInt(60_000), "500", "how often a worker renews the lease of a run it executes"],
  RUN_LEASE_STALE_MS: [
    positiveInt(3_600_000),
    "3000",
    "a lease not renewed for this long belongs to a dead worker: the sweep takes the run over",
  ],
  RUN_SWEEP_MS: [
    z.string().trim().regex(/^\d+$/, "a whole number of milliseconds (0 turns the sweep off)").transform(Number),
    "500",
    "how often each worker looks for runs with a stale lease (0: never, takeover waits for queue job expiry)",
  ],
  RUN_STALL_AFTER_MS: [
    positiveInt(),
    "15000",
    "an active run with no sign of progress for this long is reported stalled (health, onboarding.stalled webhook)",
  ],
  RUN_JOB_BUDGET_MS: [
    positiveInt(),
    "5000",
    "a run job past this long hands the run over to a fresh job between steps, when every run consumer of its process is busy",
  ],
  RUN_JOB_EXPIRE_SECONDS: [
    positiveInt(86_400),
    "3600",
    "how long pg-boss lets a run job stay active before handing it out again (the lease, not this, guards a run)",
  ],
  RATE_LIMIT_WRITES_PER_MINUTE: [positiveInt(), "600", "writes per caller per minute"],
  RATE_LIMIT_SIGNIN_PER_MINUTE: [positiveInt(), "10", "sign-ins per email per minute"],
  RATE_LIMIT_SIGNIN_PER_IP_PER_MINUTE: [positiveInt(), "30", "sign-ins per client address per minute"],
  RATE_LIMIT_SIGNIN_PER_EMAIL_IP_PER_MINUTE: [positiveInt(), "5", "sign-ins per email from one address per minute"],
  CLOUDFLARE_DEPLOYMENT_POLL_MS: [positiveInt(), "2000", "how often a Pages deployment is polled"],
  ONRAMP_INLINE_WORKER: [bool, "true", "run operation runs inside the web process"],
  ONRAMP_TRUST_PROXY: [bool, "false", "believe X-Forwarded-* from a proxy you run"],
  ONRAMP_ALLOW_PRIVATE_TARGETS: [bool, undefined, "turn the outbound address guard off"],
  ONRAMP_WEBHOOK_ALLOW_PRIVATE: [bool, undefined, "older name of ONRAMP_ALLOW_PRIVATE_TARGETS"],
  LOG_LEVEL: [
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "fatal, error, warn, info, debug, trace or silent",
    }),
    "info",
    "log level",
  ],
  LOG_FORMAT: [z.enum(["json", "pretty"], { error: "json or pretty" }), undefined, "log line format"],
  DATABASE_URL: [z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"), undefined, "the PostgreSQL to use"],
  NEXTAUTH_URL: [httpUrl, undefined, "the public URL browsers use"],
  GITHUB_API_URL: [httpUrl, "https://api.github.com", "API where GitHub sign-in reads verified emails"],
  SMTP_URL: [
    z.string().regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL"),
    undefined,
    "mail server for invitation links",
  ],
  MAIL_FROM: [text, "Onramp <no-reply@localhost>", "sender of outgoing mail"],
  METRICS_TOKEN: [
    z.string().regex(/^[\x21-\x7e]{16,256}$/, "16 to 256 visible ASCII characters"),
    undefined,
    "bearer token Prometheus sends to GET /api/metrics (unset: the endpoint answers 404)",
  ],
  OTEL_EXPORTER_OTLP_ENDPOINT: [httpUrl, undefined, "OTLP/HTTP collector base URL; traces are exported only when set"],
  OTEL_SERVICE_NAME: [text, undefined, "service.name of exported traces (default onramp-web / onramp-worker)"],
  ONRAMP_BENCH_FLOOR: [
    text,
    undefined,
    "bench only: the replay file the framework-floor route answers from (unset: GET /api/bench-floor/:id answers 404)",
  ],
} as const satisfies Record<string, readonly [z.ZodType<unknown, string>, string | undefined, string]>;

type Spec = typeof SPEC;
export type EnvName = keyof Spec;
type ValueOf<K extends EnvName> = z.output<Spec[K][0]>;
type Defaulted<K extends EnvName> = Spec[K][1] extends string ? ValueOf<K> : ValueOf<K> | undefined;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

function problemOf(name: EnvName, raw: string, error: z.ZodError): string {
  const meaning = SPEC[name][2];
  const expected = error.issues.map((i) => i.message).join("; ");
  return `${name}=${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)} is not valid: expected ${expected} (${meaning})`;
}

/** The variable's value (its default when unset or empty); throws EnvError when it does not parse. */
export function env<K extends EnvName>(name: K): Defaulted<K> {
  const [schema, fallback] = SPEC[name];
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : raw;
  if (value === undefined) return undefined as Defaulted<K>;
  const parsed = (schema as z.ZodType<unknown, string>).safeParse(value);
  if (!parsed.success) throw new EnvError([problemOf(name, value, parsed.error)]);
  return parsed.data as Defaulted<K>;
}

/** Every problem with the environment at once (empty when it is valid). */
export function envProblems(source: Record<string, string | undefined> = process.env): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(SPEC) as EnvName[]) {
    const raw = source[name];
    if (raw === undefined || raw === "") continue;
    const parsed = (SPEC[name][0] as z.ZodType<unknown, string>).safeParse(raw);
    if (!parsed.success) problems.push(problemOf(name, raw, parsed.error));
  }
  return problems;
}

/** Stops a start with one message naming every bad variable. */
export function assertValidEnv(source: Record<string, string | undefined> = process.env): void {
  const problems = envProblems(source);
  if (problems.length) throw new EnvError(problems);
}
