// Runs once per `vitest --project integration`: a fresh, migrated database for this run on the
// shared embedded server (or on DATABASE_URL's server), dropped afterwards.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createScratchDatabase, dropDatabase, ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated scratch database of this test run. */
    databaseUrl: string;
    /** A database on the same server, for tests that create their own scratch databases. */
    databaseServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await ensureDatabase({ log: (m) => console.log(`[test-db] ${m}`) });
  const name = `onramp_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  try {
    const url = await createScratchDatabase(server.url, name);
    await applyMigrations(url);
    project.provide("databaseUrl", url);
    project.provide("databaseServerUrl", server.url);
  } catch (err) {
    await dropDatabase(server.url, name).catch(() => undefined);
    await server.release();
    throw err;
  }
  return async () => {
    await dropDatabase(server.url, name);
    await server.release();
  };
}
