// The production bundle the bench measures, built into its own directory (ONRAMP_DIST_DIR,
// default node_modules/.cache/onramp-bench-next) so that it never touches a developer's `.next`. Rebuilt only when the sources changed (the stamp
// file and fingerprint of scripts/lib/build.ts, shared with `npm start` and the e2e run).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NEXT_BIN } from "./processes";
import { sourceFingerprint } from "../../lib/build";

/**
 * Default: under node_modules/.cache, which git, ESLint and tsc already ignore — a `.next-bench`
 * at the root would be linted by `eslint .` (its ignores name `.next/**` only).
 */
export const DEFAULT_DIST_DIR = "node_modules/.cache/onramp-bench-next";

export function resolveDistDir(root: string): string {
  const distDir = process.env.ONRAMP_DIST_DIR || DEFAULT_DIST_DIR;
  const abs = path.resolve(root, distDir);
  const rel = path.relative(root, abs);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel) || rel === ".next" || rel.startsWith(`.next${path.sep}`)) {
    throw new Error(
      `ONRAMP_DIST_DIR=${distDir}: the bench builds into its own folder inside the project, never into .next`,
    );
  }
  return rel;
}

/** Files `next build` rewrites for its distDir; restored afterwards when only the build changed them. */
const TOUCHED = ["tsconfig.json", "next-env.d.ts"];

export interface BuildResult {
  distDir: string;
  built: boolean;
  seconds: number;
  /** next.config.ts reads ONRAMP_DIST_DIR (checked, not assumed). */
  configHonoursDistDir: boolean;
}

export function buildIfNeeded(root: string, log: (m: string) => void): BuildResult {
  const distDir = resolveDistDir(root);
  const config = readFileSync(path.join(root, "next.config.ts"), "utf8");
  const configHonoursDistDir = /distDir\s*:\s*process\.env\.ONRAMP_DIST_DIR/.test(config);
  if (!configHonoursDistDir) {
    throw new Error(
      "next.config.ts does not set distDir from process.env.ONRAMP_DIST_DIR; the bench refuses to build into .next",
    );
  }
  const stamp = path.join(root, distDir, "onramp-build-fingerprint");
  const fingerprint = sourceFingerprint(root);
  const skip = process.env.BENCH_SKIP_BUILD === "1";
  if (
    existsSync(path.join(root, distDir, "BUILD_ID")) &&
    (skip || (existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint))
  ) {
    log(`reusing the production build in ${distDir}${skip ? " (BENCH_SKIP_BUILD=1)" : " (sources unchanged)"}`);
    return { distDir, built: false, seconds: 0, configHonoursDistDir };
  }
  log(`building the production bundle into ${distDir} (next build; sources changed or first run)…`);
  const before = new Map(
    TOUCHED.map((f) => [f, existsSync(path.join(root, f)) ? readFileSync(path.join(root, f), "utf8") : null]),
  );
  const started = Date.now();
  const res = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: root,
    env: { ...process.env, ONRAMP_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  restoreTouched(root, distDir, before, log);
  if (res.status !== 0) {
    const out = `${res.stdout ?? ""}${res.stderr ?? ""}`;
    throw new Error(`next build failed (exit ${res.status ?? res.signal}):\n${out.slice(-6_000)}`);
  }
  writeFileSync(stamp, fingerprint);
  return { distDir, built: true, seconds: (Date.now() - started) / 1000, configHonoursDistDir };
}

/**
 * `next build` adds `<distDir>/types/**` to tsconfig.json's include and points next-env.d.ts at
 * `<distDir>/types`; neither file belongs to the bench. Put back what was there when the only
 * change is the bench's distDir (someone else's concurrent edit is left alone).
 */
function restoreTouched(
  root: string,
  distDir: string,
  before: Map<string, string | null>,
  log: (m: string) => void,
): void {
  for (const [file, previous] of before) {
    const abs = path.join(root, file);
    const now = existsSync(abs) ? readFileSync(abs, "utf8") : null;
    if (now === previous || now === null) continue;
    if (file === "tsconfig.json" && previous !== null) {
      const strip = (text: string) => {
        const json = JSON.parse(text) as { include?: string[] };
        json.include = (json.include ?? []).filter((p) => !p.startsWith(`${distDir}/`));
        return JSON.stringify(json);
      };
      try {
        if (strip(now) !== strip(previous)) continue;
      } catch {
        continue;
      }
    } else if (!now.includes(distDir)) {
      continue;
    }
    if (previous === null) rmSync(abs, { force: true });
    else writeFileSync(abs, previous);
    log(`restored ${file} (next build had pointed it at ${distDir})`);
  }
}
