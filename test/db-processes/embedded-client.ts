// A process using the embedded server, for lib/db/embedded.integration.test.ts:
//   tsx test/db-processes/embedded-client.ts <dataDir> <holdMs>
// Prints one JSON line once connected, holds the database, checks it still answers, releases.
import pg from "pg";
import { ensureDatabase } from "../../lib/db/embedded";

async function query(url: string): Promise<{ port: number; postmaster: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "select inet_server_port() as port, pg_postmaster_start_time()::text as postmaster",
    );
    return rows[0] as { port: number; postmaster: string };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const [dataDir, holdMs] = process.argv.slice(2);
  const logs: string[] = [];
  const handle = await ensureDatabase({ dataDir, log: (m) => logs.push(m) });
  const before = await query(handle.url);
  console.log(JSON.stringify({ event: "ready", log: logs.join(" | "), ...before }));
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
  const after = await query(handle.url);
  await handle.release();
  console.log(JSON.stringify({ event: "done", ...after }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
