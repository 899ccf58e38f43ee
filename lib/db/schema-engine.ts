// Prisma's schema engine (the part behind `prisma migrate` and `prisma migrate diff`), run from
// its WebAssembly build because the native engine binary is downloaded at install time and
// cannot be fetched here. It talks to PostgreSQL through the `@prisma/adapter-pg` driver adapter.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { newPool } from "./pool";
import { log } from "@/lib/log/logger";

type EngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

const globalState = globalThis as typeof globalThis & {
  PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
  __onrampSchemaEngine?: Promise<EngineModule>;
  __onrampEnginePanic?: string;
};

/**
 * The wasm module is instantiated once per process: `__wbindgen_start` must not run twice,
 * and the module keeps global state.
 */
function loadEngineModule(): Promise<EngineModule> {
  globalState.__onrampSchemaEngine ??= instantiate();
  return globalState.__onrampSchemaEngine;
}

async function instantiate(): Promise<EngineModule> {
  // Without this registry a Rust panic surfaces only as "Cannot read properties of undefined".
  globalState.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      globalState.__onrampEnginePanic = message;
    },
  };
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = readFileSync(wasmPath());
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": withUnrefTimers(bg) });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}

/**
 * The engine arms a timeout around operations such as taking its advisory lock and never
 * clears it, so a finished `applyMigrations` kept scripts alive for ten more seconds. Its
 * timers must not hold the process open: while an operation runs, its connection does.
 */
function withUnrefTimers(bg: EngineModule): WebAssembly.ModuleImports {
  const imports: Record<string, unknown> = { ...bg };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith("__wbg_setTimeout_")) continue;
    imports[name] = (fn: () => void, ms: number) => {
      const timer = setTimeout(fn, ms >>> 0);
      timer.unref?.();
      return timer;
    };
  }
  return imports as WebAssembly.ModuleImports;
}

/**
 * Found from the project root, not from this file: inside the Next.js server bundle neither
 * `import.meta.url` nor `__dirname` point into node_modules.
 */
function wasmPath(): string {
  const require = createRequire(path.join(process.cwd(), "package.json"));
  return path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
}

export type EngineSession = {
  engine: SchemaEngine;
  close(): Promise<void>;
};

/**
 * An engine connected to `url` through a pool this module owns, so that it can be closed: the
 * engine itself never releases its adapter, which would keep the process alive.
 */
export async function openEngine(url: string, schemaText?: string): Promise<EngineSession> {
  const pool = newPool({ connectionString: url, max: 2 }, () => undefined);
  try {
    const session = await openEngineWith(new PrismaPg(pool), schemaText);
    const close = async () => {
      await session.close();
      await pool.end();
    };
    return { engine: session.engine, close };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** An engine over any driver adapter factory (e.g. an offline one for diffs). */
export async function openEngineWith(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaText?: string,
): Promise<EngineSession> {
  const bg = await loadEngineModule();
  const datamodels: [string, string][] | undefined =
    schemaText === undefined ? undefined : [["schema.prisma", schemaText]];
  try {
    const engine = await bg.SchemaEngine.new({ datamodels }, engineLog, bindMigrationAwareSqlAdapterFactory(factory));
    return { engine, close: async () => engine.free() };
  } catch (err) {
    throw withPanicMessage(err);
  }
}

/** The engine reports JSON lines; only warnings and errors are worth showing. */
function engineLog(line: string): void {
  try {
    const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
    if (entry.level === "WARN" || entry.level === "ERROR")
      log.warn({ component: "schema-engine" }, String(entry.fields?.message ?? line));
  } catch {
    // not JSON: ignore
  }
}

/** Runs `fn` with an engine on `url`, always closing it, and attaches any panic message to errors. */
export async function withEngine<T>(
  url: string,
  schemaText: string | undefined,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  return runSession(await openEngine(url, schemaText), fn);
}

/** Same, over any driver adapter factory. */
export async function withEngineOver<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  return runSession(await openEngineWith(factory), fn);
}

async function runSession<T>(session: EngineSession, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  try {
    return await fn(session.engine);
  } catch (err) {
    throw withPanicMessage(err);
  } finally {
    await session.close();
  }
}

function withPanicMessage(err: unknown): Error {
  const panic = globalState.__onrampEnginePanic;
  globalState.__onrampEnginePanic = undefined;
  const error = err instanceof Error ? err : new Error(engineErrorMessage(err));
  if (panic) error.message = `${error.message} (schema engine panic: ${panic})`;
  return error;
}

/** The engine rejects with plain objects such as `{ message, error_code, meta }`. */
function engineErrorMessage(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) return String((err as { message: unknown }).message);
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
