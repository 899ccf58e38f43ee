// Secrets the app needs, generated once per machine into .data/ when not set in the
// environment, so a fresh clone works with no configuration. Production sets them explicitly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

export function ensureRuntimeSecrets(dataDir: string): void {
  const file = path.join(dataDir, "secrets.json");
  const saved: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  const want: Record<string, () => string> = {
    NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
    ONRAMP_ENCRYPTION_KEY: () => randomBytes(32).toString("hex"),
  };
  for (const [name, make] of Object.entries(want)) {
    if (process.env[name]) continue;
    if (!saved[name]) {
      saved[name] = make();
      changed = true;
    }
    process.env[name] = saved[name];
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }
}
