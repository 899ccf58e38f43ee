import "server-only";
// First run: a demo workspace and operator, created once. The password is random per machine
// and kept in .data/ so that `npm start` can print it every time. Only for the embedded
// database of a local try-out (demoSeedDecision): a known account with a password in the log
// has no place on a real deployment.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { createUser } from "./admin-ops";

export const DEMO_EMAIL = "demo@onramp.local";
export const DEMO_WORKSPACE = "demo";

export const FIRST_OWNER_HINT =
  "create the first owner with: npm run admin -- user create --email you@example.com --password '…' --workspace acme --role owner";

export type DemoSeedDecision = { seed: true } | { seed: false; reason: string };

/**
 * Seed (and print) the demo owner only for the embedded default database of a non-production
 * run: `DATABASE_URL` means someone else's database, `NODE_ENV=production` a real deployment.
 */
export function demoSeedDecision(env: { DATABASE_URL?: string; NODE_ENV?: string }): DemoSeedDecision {
  if (env.NODE_ENV === "production") return { seed: false, reason: "NODE_ENV=production" };
  if (env.DATABASE_URL) return { seed: false, reason: "DATABASE_URL is set" };
  return { seed: true };
}

export async function seedDemo(dataDir: string): Promise<{ email: string; password: string; created: boolean }> {
  const file = path.join(dataDir, "demo-credentials.json");
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { email: string; password: string })
    : null;
  const existing = await db().user.findUnique({ where: { email: DEMO_EMAIL } });
  if (existing && saved) return { ...saved, created: false };
  // First run, or a database without the demo user (e.g. DATABASE_URL pointed elsewhere).
  const password = saved?.password ?? `demo-${randomBytes(6).toString("base64url")}`;
  await createUser({ email: DEMO_EMAIL, password, workspace: DEMO_WORKSPACE, role: "owner", name: "Demo Operator" });
  await db().workspace.update({ where: { slug: DEMO_WORKSPACE }, data: { name: "Demo Workspace" } });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ email: DEMO_EMAIL, password }, null, 2), { mode: 0o600 });
  return { email: DEMO_EMAIL, password, created: true };
}
