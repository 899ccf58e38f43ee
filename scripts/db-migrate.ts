// `npm run db:migrate`: applies pending migrations (prisma/migrations) to DATABASE_URL, or to
// the embedded PostgreSQL under .data/pg when it is unset. Same effect as `prisma migrate deploy`.
import { ensureDatabase, redactUrl } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

async function main(): Promise<void> {
  const database = await ensureDatabase();
  try {
    console.log(`Migrating ${redactUrl(database.url)}`);
    const { applied } = await applyMigrations(database.url);
    if (applied.length === 0) console.log("No pending migrations");
    else console.log(`Applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join("\n")}`);
  } finally {
    await database.release();
  }
}

main().catch((err: unknown) => {
  console.error("db:migrate failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
