// The process-wide Prisma client. Created on first use rather than at import, so that scripts
// can set DATABASE_URL (e.g. to the embedded server) after importing modules that use it.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env/env";
import { statementName } from "@/lib/db/statements";
import { newPool } from "@/lib/db/pool";
import { log } from "@/lib/log/logger";

/** The client handed to `db().$transaction(async (tx) => …)` callbacks. */
export type Tx = Prisma.TransactionClient;

type Cached = { client: PrismaClient; url: string };

// On globalThis so that Next.js dev reloads reuse the client instead of leaking pools.
const globalState = globalThis as typeof globalThis & { __onrampPrisma?: Cached };

export function db(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set: start the app with `npm start` / `npm run dev` (embedded PostgreSQL) or set it to a PostgreSQL URL",
    );
  }
  const cached = globalState.__onrampPrisma;
  // A changed URL (tests switching databases) must not keep talking to the old one.
  if (cached && cached.url === url) return cached.client;
  if (cached) void cached.client.$disconnect().catch(() => undefined);
  const client = createClient(url);
  globalState.__onrampPrisma = { client, url };
  return client;
}

function createClient(connectionString: string): PrismaClient {
  // Named statements are planned once per connection, not on every run (lib/db/statements.ts).
  const statementNameGenerator = env("DATABASE_PREPARED_STATEMENTS")
    ? (query: { sql: string; args: unknown[] }) => statementName(query.sql, query.args.length) as string
    : undefined;
  // Our own pool (lib/db/pool.ts): a transaction's client must survive a connection cut as it
  // is handed out. The adapter ends it on $disconnect.
  const pool = newPool({ connectionString, max: poolMax(), connectionTimeoutMillis: 10_000 }, (err) =>
    log.warn({ reason: err.message }, "idle database connection lost"),
  );
  const adapter = new PrismaPg(pool, { statementNameGenerator, disposeExternalPool: true });
  // Prisma's defaults (2 s to get a connection, 5 s to finish) turn a burst of writes into
  // "Unable to start a transaction" while the pool is merely busy. Wait longer; a request that
  // still gets no connection answers 503 with Retry-After (lib/api/problem.ts).
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
}

function poolMax(): number {
  return env("DATABASE_POOL_MAX");
}

export async function disconnectDb(): Promise<void> {
  const cached = globalState.__onrampPrisma;
  globalState.__onrampPrisma = undefined;
  await cached?.client.$disconnect();
}
