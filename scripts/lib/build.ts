// The production bundle, rebuilt only when what goes into it changed. Shared by `npm start`,
// `npm run test:e2e` and the bench, so all three agree on when a build is stale.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const NEXT_BIN = require.resolve("next/dist/bin/next");

/** Everything `next build` reads from the project (generated code is derived from prisma/). */
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "middleware.ts",
  "prisma/schema.prisma",
  "next.config.ts",
  "package.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

/** Contents, not mtimes: a fresh clone or a restored file is not a change. */
export function sourceFingerprint(root: string): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    if (!existsSync(p) || p.includes(`${path.sep}generated`)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const entry of readdirSync(p).sort()) walk(path.join(p, entry));
    else
      hash
        .update(`${path.relative(root, p)}\0`)
        .update(readFileSync(p))
        .update("\0");
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return hash.digest("hex");
}

const STAMP = "onramp-build-fingerprint";

export function isBuildCurrent(root: string, distDir: string, fingerprint = sourceFingerprint(root)): boolean {
  const dir = path.resolve(root, distDir);
  const stamp = path.join(dir, STAMP);
  return existsSync(path.join(dir, "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint;
}

/** Runs `next build` unless the build in distDir is current. Returns whether it built. */
export function buildIfNeeded(opts: {
  root: string;
  distDir: string;
  log: (m: string) => void;
  spawn?: SpawnSyncOptions;
}): boolean {
  const fingerprint = sourceFingerprint(opts.root);
  if (isBuildCurrent(opts.root, opts.distDir, fingerprint)) return false;
  opts.log(`building the production bundle into ${opts.distDir} (first run or sources changed)…`);
  const res = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: opts.root, stdio: "inherit", ...opts.spawn });
  if (res.status !== 0) {
    const out = typeof res.stdout === "string" ? `${res.stdout}${res.stderr ?? ""}`.slice(-6_000) : "";
    throw new Error(`next build failed (exit ${res.status ?? res.signal})${out ? `:\n${out}` : ""}`);
  }
  writeFileSync(path.join(opts.root, opts.distDir, STAMP), fingerprint);
  return true;
}
