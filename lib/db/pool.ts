// Every pg pool of the app is made here (Prisma's, the hot-path pool, the queue's, the schema
// engine's), so that none of them can crash the process when PostgreSQL drops a connection.
//
// An idle client's error goes to the pool's 'error' event: `onIdleError` (a pool without a
// listener would throw it). A client handed out by `pool.connect()` (Prisma's transactions) has
// no listener until its borrower attaches one, and the borrower runs a microtask later: a
// termination that arrives in the same TCP read as the new connection's ReadyForQuery
// (pg_terminate_backend, a failover, an idle-session killer) is then an 'error' event nobody
// listens to — an uncaught exception that killed a worker in the connection-cut fault drill.
// Each client therefore keeps a listener of its own from its first connect: the error becomes a
// failed query (the client is no longer queryable, and the pool discards it when it comes back).
import pg from "pg";

const ignore = () => undefined;

export function newPool(config: pg.PoolConfig, onIdleError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", onIdleError);
  pool.on("connect", (client) => client.on("error", ignore));
  return pool;
}
